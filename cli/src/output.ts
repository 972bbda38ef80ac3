/**
 * The CLI's one output module: colour decisions, data vs diagnostics streams, the --json
 * envelope and progress. Commands never write to process.stdout/stderr themselves.
 */
import { Chalk, type ChalkInstance } from "chalk";

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/**
 * Colour is decided once: off when stderr/stdout is not a TTY, when NO_COLOR is set to
 * anything non-empty, when TERM=dumb, or with --no-color. (chalk alone ignores NO_COLOR.)
 */
export function colorLevel(io: Io, stream: "stdout" | "stderr", flag: boolean | undefined): 0 | 1 | 2 | 3 {
  if (flag === false) return 0;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return 0;
  if (io.env.TERM === "dumb") return 0;
  if (flag === true || io.env.FORCE_COLOR) return 1;
  return io[stream].isTTY ? 1 : 0;
}

export interface ErrorView {
  code: string;
  message: string;
  remedy: string;
  details?: Record<string, unknown>;
}

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export class Output {
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;

  constructor(
    private readonly io: Io,
    private readonly options: { json: boolean; color?: boolean },
  ) {
    this.out = new Chalk({ level: colorLevel(io, "stdout", options.color) });
    this.err = new Chalk({ level: colorLevel(io, "stderr", options.color) });
  }

  get json(): boolean {
    return this.options.json;
  }

  /** Data for the user (text mode): stdout. */
  data(text: string): void {
    this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Diagnostics and notes: stderr, never mixed into data. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  success(data: unknown): void {
    this.io.stdout.write(`${JSON.stringify({ ok: true, data }, null, 2)}\n`);
  }

  error(e: ErrorView): void {
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify({ ok: false, error: e }, null, 2)}\n`);
      return;
    }
    this.io.stderr.write(`${this.err.red.bold("error")} ${this.err.bold(e.code)}: ${e.message}\n`);
    if (e.remedy) this.io.stderr.write(`  ${this.err.dim("→")} ${e.remedy}\n`);
  }

  /** A progress bar on a TTY, plain progress lines otherwise (at most one per 10%). */
  progress(label: string): Progress {
    const tty = Boolean(this.io.stderr.isTTY) && !this.json;
    let lastDecile = -1;
    let shown = false;
    return {
      update: (done, total) => {
        const frac = total > 0 ? Math.min(1, done / total) : 1;
        if (tty) {
          const width = 30;
          const filled = Math.round(frac * width);
          const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
          this.io.stderr.write(
            `\r${label} ${this.err.cyan(bar)} ${Math.round(frac * 100)}% (${done}/${total})`,
          );
          shown = true;
        } else {
          const decile = Math.floor(frac * 10);
          if (decile !== lastDecile) {
            lastDecile = decile;
            this.io.stderr.write(`${label}: ${Math.round(frac * 100)}% (${done}/${total})\n`);
          }
        }
      },
      stop: () => {
        if (tty && shown) this.io.stderr.write("\n");
      },
    };
  }
}
