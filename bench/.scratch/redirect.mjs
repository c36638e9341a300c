// Experiment hook: YIWANG_REDIRECT="src/a.ts=bench/.scratch/a.ts,..." swaps modules at resolve time.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
const map = {};
for (const pair of (process.env.YIWANG_REDIRECT ?? '').split(',').filter(Boolean)) {
  const [from, to] = pair.split('=');
  map[pathToFileURL(path.resolve(from)).href] = pathToFileURL(path.resolve(to)).href;
}
register('./redirect-hooks.mjs', import.meta.url, { data: { map } });
