// A progress bar on stderr, only when stderr is a terminal.
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../scan/extract.js';

export interface Progress {
  update: (event: ProgressEvent) => void;
  stop: () => void;
}

export function createProgress(stream: NodeJS.WriteStream): Progress | undefined {
  if (!stream.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{repository} [{bar}] {value}/{total} files',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let done = 0;
  return {
    update(event) {
      if (event.type === 'repository') {
        if (started) bar.stop();
        bar.start(event.files, 0, { repository: event.repository });
        started = true;
        done = 0;
      } else if (started) {
        done += 1;
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
