/**
 * A progress line for long reads, written to stderr. On a terminal it redraws one line with `\r`;
 * elsewhere (CI logs, tests) it stays silent except for notes such as rate-limit waits.
 */

export interface Progress {
  /** Starts a phase, e.g. "Reading users" (with a total when known). */
  phase(label: string, total?: number): void;
  /** Advances the current phase. */
  tick(n?: number): void;
  /** A message that is always shown (on its own line). */
  note(message: string): void;
  /** Ends the current line. */
  done(): void;
}

export const silentProgress: Progress = { phase() {}, tick() {}, note() {}, done() {} };

interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function stderrProgress(stream: Writable = process.stderr, options: { quiet?: boolean } = {}): Progress {
  const tty = !!stream.isTTY && !options.quiet;
  let label = '';
  let total: number | undefined;
  let count = 0;
  let drawn = false;
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    let bar = '';
    if (total) {
      const width = 20;
      const filled = Math.min(width, Math.round((count / total) * width));
      bar = ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total}`;
    } else if (count) bar = ` ${count}`;
    const line = `${label}${bar}`.slice(0, Math.max(20, (stream.columns ?? 100) - 1));
    stream.write(`\r${line}\x1b[K`);
    drawn = true;
  };
  const clear = () => {
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
  };
  return {
    phase(l, t) {
      label = l;
      total = t;
      count = 0;
      draw(true);
    },
    tick(n = 1) {
      count += n;
      draw(total !== undefined && count >= total);
    },
    note(message) {
      clear();
      if (!options.quiet) stream.write(`${message}\n`);
      draw(true);
    },
    done() {
      clear();
    },
  };
}
