/**
 * Progress on stderr: a bar with rate and ETA on a terminal (cli-progress),
 * plain lines every few seconds otherwise (CI logs, pipes), so a long import
 * or replay never looks hung and never floods a log file.
 */
import cliProgress from 'cli-progress';
import type { CommandIo } from '../command.js';

export interface Progress {
  /** Sets the count done so far. */
  update(done: number): void;
  /** Ends the bar; later output starts on a fresh line. */
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  /** What is counted, e.g. "events", "bytes". */
  readonly unit: string;
  /** Known total (enables the bar and ETA); omit when only the count is known. */
  readonly total?: number;
}

const PLAIN_EVERY_MS = 5000;

export function startProgress(io: CommandIo, options: ProgressOptions): Progress {
  const stream = io.stderr as Partial<NodeJS.WriteStream>;
  return stream.isTTY === true ? barProgress(stream as NodeJS.WriteStream, options) : plainProgress(io, options);
}

function barProgress(stream: NodeJS.WriteStream, options: ProgressOptions): Progress {
  const counted = options.total === undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: counted
        ? `${options.label} {value} ${options.unit} | {rate} ${options.unit}/s`
        : `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit} | {rate} ${options.unit}/s | ETA {eta_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(options.total ?? 0, 0, { rate: '0' });
  return {
    update(done) {
      bar.update(done, { rate: rateOf(done, started) });
    },
    stop() {
      bar.stop();
    },
  };
}

function plainProgress(io: CommandIo, options: ProgressOptions): Progress {
  const started = Date.now();
  let lastLine = started;
  return {
    update(done) {
      const now = Date.now();
      if (now - lastLine < PLAIN_EVERY_MS) return;
      lastLine = now;
      const of = options.total === undefined ? '' : `/${options.total} (${Math.floor((100 * done) / Math.max(1, options.total))}%)`;
      io.stderr.write(`${options.label}: ${done}${of} ${options.unit}, ${rateOf(done, started)} ${options.unit}/s\n`);
    },
    stop() {},
  };
}

/** Items per second since `started`, as a whole number. */
export function rateOf(done: number, started: number, now = Date.now()): string {
  const seconds = Math.max(0.001, (now - started) / 1000);
  return String(Math.round(done / seconds));
}
