import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr for long CLI work, only when stderr is a terminal: piped or logged output
 * stays free of control characters.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return { update() {}, stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, total) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream, format: `${label} [{bar}] {percentage} % | {value}/{total}`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
