// Preloaded into the server child by `bench/booking.ts --profile` (node --import): SIGUSR2 starts
// the V8 CPU profiler, the next SIGUSR2 stops it and writes YIWANG_BENCH_PROFILE_DIR/<label>.cpuprofile,
// so a profile covers exactly one benchmark phase. Plain JS: it loads before tsx is registered.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.YIWANG_BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let running = false;
  let n = 0;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      n += 1;
      writeFileSync(path.join(dir, `server-${process.pid}-${n}.cpuprofile`), JSON.stringify(result.profile));
      process.stdout.write(`profile written (${n})\n`);
    });
  });
}
