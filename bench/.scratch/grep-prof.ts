import { readFileSync, readdirSync } from 'node:fs';
const dir = process.argv[2]!; const pat = new RegExp(process.argv[3]!);
for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const p = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'));
  const self = new Map<number, number>(); let total = 0;
  p.samples.forEach((s: number, i: number) => { self.set(s, (self.get(s) ?? 0) + p.timeDeltas[i]); });
  const by = new Map<string, number>();
  for (const n of p.nodes) { const us = self.get(n.id) ?? 0; if (n.callFrame.functionName !== '(idle)') total += us; const key = `${n.callFrame.functionName} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`; if (pat.test(key)) by.set(key, (by.get(key) ?? 0) + us); }
  console.log(f, (total / 1e6).toFixed(1), 's busy');
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(((100 * v) / total).toFixed(2).padStart(6) + '%', k);
}
