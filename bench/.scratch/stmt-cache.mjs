// Experiment: cache better-sqlite3 statements by SQL text (emulates a change in src/platform/db/connect.ts).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const orig = Database.prototype.prepare;
const caches = new WeakMap();
Database.prototype.prepare = function (sql) {
  let cache = caches.get(this);
  if (!cache) caches.set(this, (cache = new Map()));
  let st = cache.get(sql);
  if (st === undefined || st.busy) {
    st = orig.call(this, sql);
    if (cache.size >= 500) cache.delete(cache.keys().next().value);
    cache.set(sql, st);
  }
  return st;
};
