// --server-import bench/loop-delay.mjs: logs every event-loop stall over 100 ms (to the server log,
// kept with --keep), to tell a server-wide stall from slow clients.
import { performance } from 'node:perf_hooks';

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - last - 10;
  if (late > 100) process.stderr.write(`loop-delay ${new Date().toISOString()} stalled ${Math.round(late)} ms\n`);
  last = now;
}, 10).unref();
