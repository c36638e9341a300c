// A/B experiments without editing src/: preload into the server children with
//   YIWANG_REDIRECT="src/a.ts=bench/tmp/a.ts,src/b.ts=bench/tmp/b.ts" \
//     npm run bench:booking -- --server-import bench/module-redirect.mjs
// Every import that resolves to src/a.ts loads bench/tmp/a.ts instead (paths from the working
// directory; the replacement's own relative imports must point back into src/).
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const map = {};
for (const pair of (process.env.YIWANG_REDIRECT ?? '').split(',').filter(Boolean)) {
  const [from, to] = pair.split('=');
  if (!from || !to) throw new Error(`YIWANG_REDIRECT: expected from=to, got ${pair}`);
  map[pathToFileURL(path.resolve(from)).href] = pathToFileURL(path.resolve(to)).href;
}
if (Object.keys(map).length) register('./module-redirect-hooks.mjs', import.meta.url, { data: { map } });
