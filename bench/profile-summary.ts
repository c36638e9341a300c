/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): self time per function and per source area.
 *   npx tsx bench/profile-summary.ts <dir-or-file> [top]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

function short(url: string): string {
  if (!url) return '(native)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length);
  const src = u.indexOf('/src/');
  if (src >= 0) return u.slice(src + 1);
  return u.startsWith('node:') ? u : path.basename(u);
}

function area(url: string, functionName: string): string {
  const s = short(url);
  // Native frames: better-sqlite3's Statement (prepare), run and all; writev (sockets); GC …
  if (s === '(native)') return `native: ${functionName || '(anonymous)'}`;
  if (s.startsWith('node:')) return 'node core';
  if (s.startsWith('src/')) return s;
  const parts = s.split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

export function summariseProfiles(target: string, top = 25): string[] {
  const files = statSync(target).isDirectory() ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(target, f)) : [target];
  const lines: string[] = [];
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    const samples = p.samples ?? [];
    const deltas = p.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
    let total = 0;
    let idle = 0;
    const byFn = new Map<string, number>();
    const byArea = new Map<string, number>();
    for (const [id, us] of self) {
      const n = byId.get(id)!;
      // The inspector's own dispatch (starting and stopping the profiler) is not the server's work.
      if (n.callFrame.functionName === 'dispatch' && !n.callFrame.url) continue;
      total += us;
      const name = n.callFrame.functionName || '(anonymous)';
      if (name === '(idle)' || name === '(program)') idle += name === '(idle)' ? us : 0;
      const key = `${name}  ${short(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
      byFn.set(key, (byFn.get(key) ?? 0) + us);
      const a = name === '(idle)' ? '(idle)' : area(n.callFrame.url, name);
      byArea.set(a, (byArea.get(a) ?? 0) + us);
    }
    const busy = total - idle;
    const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
    lines.push(`profile ${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)`);
    lines.push('  self time by area:');
    for (const [a, us] of [...byArea].filter(([a]) => a !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, 18)) lines.push(`   ${pct(us)}  ${a}`);
    lines.push('  self time by function:');
    for (const [f, us] of [...byFn].filter(([f]) => !f.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, top)) lines.push(`   ${pct(us)}  ${f}`);
  }
  return lines;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const line of summariseProfiles(process.argv[2] ?? 'bench/.profiles', Number(process.argv[3] ?? 30))) console.log(line);
}
