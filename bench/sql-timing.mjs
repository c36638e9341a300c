// --server-import bench/sql-timing.mjs: time spent in better-sqlite3 per SQL text (all/run/get),
// written to $YIWANG_SQL_TIMING (default /tmp/sql-timing.json) every 2 s, to see which statement
// of a booking costs what.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const stats = new Map();
let patched = false;
const origPrepare = Database.prototype.prepare;
Database.prototype.prepare = function (source, ...rest) {
  const st = origPrepare.call(this, source, ...rest);
  if (!patched) {
    patched = true;
    const proto = Object.getPrototypeOf(st);
    for (const m of ['all', 'run', 'get']) {
      const orig = proto[m];
      proto[m] = function (...args) {
        const t = process.hrtime.bigint();
        try { return orig.apply(this, args); } finally {
          const dt = Number(process.hrtime.bigint() - t);
          const key = this.source.replace(/\s+/g, ' ').slice(0, 160);
          const s = stats.get(key) ?? { n: 0, ns: 0 };
          s.n++; s.ns += dt; stats.set(key, s);
        }
      };
    }
  }
  return st;
};
const out = process.env.YIWANG_SQL_TIMING ?? '/tmp/sql-timing.json';
setInterval(() => {
  const rows = [...stats.entries()].map(([sql, s]) => ({ sql, n: s.n, totalMs: Math.round(s.ns / 1e6), usEach: Math.round(s.ns / s.n / 1000) })).sort((a, b) => b.totalMs - a.totalMs);
  writeFileSync(out, JSON.stringify(rows, null, 1));
}, 2000).unref();
