import cliProgress from 'cli-progress';

/** A progress bar on stderr (shown only on a terminal), fed by (done, total, label) callbacks. */
export function progressBar(title: string): { update(done: number, total: number, label?: string): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: `${title} [{bar}] {percentage}% | {value}/{total} {label}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(Math.max(total, 1), 0, { label });
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
