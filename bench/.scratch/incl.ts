import { readFileSync, readdirSync } from 'node:fs';
const dir = process.argv[2]!; const pat = new RegExp(process.argv[3] ?? '.');
const f = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))[0]!;
const p = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'));
const parent = new Map<number, number>(); const byId = new Map<number, any>();
for (const n of p.nodes) { byId.set(n.id, n); for (const c of n.children ?? []) parent.set(c, n.id); }
const incl = new Map<string, number>(); let busy = 0;
p.samples.forEach((s: number, i: number) => {
  const d = p.timeDeltas[i]; const leaf = byId.get(s);
  if (leaf.callFrame.functionName === '(idle)') return; busy += d;
  const seen = new Set<string>();
  for (let id: number | undefined = s; id !== undefined; id = parent.get(id)) { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`; if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + d); } }
});
console.log('busy', (busy / 1e6).toFixed(2), 's');
for (const [k, v] of [...incl].filter(([k]) => pat.test(k)).sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 40))) console.log(((100 * v) / busy).toFixed(1).padStart(5) + '%', k);
