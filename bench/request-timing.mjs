// --server-import bench/request-timing.mjs (with --keep): logs to the server log every request the
// server itself took over 500 ms to answer (arrival of the request's headers → response finished),
// and at exit a histogram of server-side durations, to tell a slow server from a slow client or
// network when the load generator reports multi-second outliers (RECOMMENDED-CHANGES.md item 2).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const buckets = [1, 5, 10, 50, 100, 250, 500, 1000, 2000, 4000, Infinity];
const counts = new Array(buckets.length).fill(0);
let slowest = 0;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event === 'request') {
    const start = performance.now();
    res.once('finish', () => {
      const ms = performance.now() - start;
      counts[buckets.findIndex((b) => ms <= b)]++;
      slowest = Math.max(slowest, ms);
      if (ms > 500) process.stderr.write(`request-timing ${new Date().toISOString()} ${req.method} ${req.url} ${Math.round(ms)} ms (server side)\n`);
    });
  }
  return emit.apply(this, arguments);
};
const report = () => process.stderr.write(`request-timing histogram (ms ≤ bucket: count) ${buckets.map((b, i) => `${b}:${counts[i]}`).join(' ')}; slowest ${Math.round(slowest)} ms\n`);
process.once('exit', report);
