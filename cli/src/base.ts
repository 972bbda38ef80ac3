/**
 * Base of every `tf` command: global flags, the --json envelope, error taxonomy → exit code,
 * Ctrl-C → 130. Subclasses implement `execute()` (one SDK call) and `renderText()`.
 */
import { Command, Flags, type Interfaces } from "@oclif/core";
import { type ErrorView, Output, processIo } from "./output.js";

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof TfCommand)["baseFlags"] & T["flags"]
>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T["args"]>;

const EXIT_INTERRUPTED = 130;

export abstract class TfCommand<T extends typeof Command = typeof Command> extends Command {
  static baseFlags = {
    json: Flags.boolean({
      description: "Print one JSON document on stdout: {ok, data} or {ok: false, error}.",
      helpGroup: "GLOBAL",
    }),
    home: Flags.string({
      description: "Data directory (keys, log). Default: $TF_HOME, then ./.tf",
      env: "TF_HOME",
      helpGroup: "GLOBAL",
    }),
    server: Flags.string({
      description: "Run against `tf serve` at this URL instead of the local data directory. Env: TF_SERVER",
      env: "TF_SERVER",
      helpGroup: "GLOBAL",
    }),
    "api-key-file": Flags.string({
      description: "File holding the server API key (or set TF_API_KEY). Never pass a key as a flag value.",
      helpGroup: "GLOBAL",
    }),
    profile: Flags.string({
      description:
        "A named profile (server URL and key file) from $TF_CONFIG or ~/.config/trustfabric/config.json",
      env: "TF_PROFILE",
      helpGroup: "GLOBAL",
    }),
    color: Flags.boolean({
      description: "Colour output (default: on for terminals unless NO_COLOR or TERM=dumb).",
      allowNo: true,
      helpGroup: "GLOBAL",
    }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;
  protected output!: Output;

  /** Does the work through the SDK; returns the data to render. */
  protected abstract execute(): Promise<unknown>;

  /** Human rendering of the data (text mode). */
  protected renderText(data: unknown): string | undefined {
    return JSON.stringify(data, null, 2);
  }

  /** Exit code when execute() returns normally (e.g. 3 when a check found problems). */
  protected exitCodeFor(_data: unknown): number {
    return 0;
  }

  public async run(): Promise<void> {
    const onSigint = () => {
      this.output?.error({
        code: "TF_INTERRUPTED",
        message: "Interrupted",
        remedy: "Nothing acknowledged was lost; run the command again.",
      });
      process.exit(EXIT_INTERRUPTED);
    };
    process.once("SIGINT", onSigint);
    try {
      const { flags, args } = await this.parse({
        flags: this.ctor.flags,
        baseFlags: (this.ctor as typeof TfCommand).baseFlags,
        args: this.ctor.args,
        strict: this.ctor.strict,
      });
      this.flags = flags as BaseFlags<T>;
      this.args = args as BaseArgs<T>;
      this.output = new Output(processIo(), {
        json: Boolean(flags.json),
        color: flags.color as boolean | undefined,
      });
      const data = await this.execute();
      if (this.output.json) this.output.success(data);
      else {
        const text = this.renderText(data);
        if (text !== undefined && text !== "") this.output.data(text);
      }
      process.exitCode = this.exitCodeFor(data);
    } catch (e) {
      // A parse failure is reported below in our format; oclif need not warn that we skipped parsing.
      this.parsed = true;
      const { view, exit } = await describeError(e);
      this.output ??= new Output(processIo(), { json: this.argv.includes("--json") });
      this.output.error(view);
      process.exitCode = exit;
    } finally {
      process.removeListener("SIGINT", onSigint);
    }
  }

  /** Reads a file (or stdin for "-") with errors mapped to the taxonomy. */
  protected async readFile(path: string, encoding?: "utf8"): Promise<string>;
  protected async readFile(path: string, encoding: null): Promise<Buffer>;
  protected async readFile(path: string, encoding: "utf8" | null = "utf8"): Promise<string | Buffer> {
    const { readFile } = await import("node:fs/promises");
    try {
      const data = path === "-" ? await readStdin() : await readFile(path);
      return encoding === "utf8" ? data.toString("utf8") : data;
    } catch (e) {
      throw (await this.sdk()).toTfError(e);
    }
  }

  /** Writes data to a file atomically (never half-written), or to stdout for "-". */
  protected async writeOut(path: string, data: string | Uint8Array): Promise<void> {
    if (path === "-") {
      process.stdout.write(data);
      return;
    }
    const sdk = await this.sdk();
    try {
      sdk.writeFileAtomic(path, data);
    } catch (e) {
      throw sdk.toTfError(e);
    }
  }

  /** The SDK, loaded lazily so `tf --help` never pays for crypto imports. */
  protected async sdk(): Promise<typeof import("@trustfabric/sdk")> {
    return import("@trustfabric/sdk");
  }

  /**
   * The client: remote when a server is configured (flag > env > profile), else the embedded
   * default on the data directory. Progress events render under `label`.
   */
  protected async client(label = this.id ?? "tf") {
    const sdk = await this.sdk();
    const profile = await loadProfile(this.flags.profile, (p) => this.readFile(p));
    const server = this.flags.server ?? profile?.server;
    if (server) {
      const keyFile = this.flags["api-key-file"] ?? profile?.apiKeyFile;
      const apiKey = keyFile ? (await this.readFile(keyFile)).trim() : process.env.TF_API_KEY;
      return sdk.createRemoteClient({ url: server, apiKey });
    }
    const progress = this.output.progress(label);
    return sdk.createLocalClient({
      home: this.flags.home ?? profile?.home,
      onProgress: (ev) => progress.update(ev.done, ev.total),
    });
  }
}

interface Profile {
  server?: string;
  apiKeyFile?: string;
  home?: string;
}

/** Profiles live in $TF_CONFIG (default ~/.config/trustfabric/config.json): {"profiles": {"name": {...}}}. */
async function loadProfile(
  name: string | undefined,
  read: (p: string) => Promise<string>,
): Promise<Profile | undefined> {
  if (!name) return undefined;
  const { homedir } = await import("node:os");
  const { join } = await import("node:path");
  const path = process.env.TF_CONFIG ?? join(homedir(), ".config", "trustfabric", "config.json");
  const sdk = await import("@trustfabric/sdk");
  let config: { profiles?: Record<string, Profile> };
  try {
    config = JSON.parse(await read(path));
  } catch (e) {
    if (e instanceof sdk.TfError) throw e;
    throw new sdk.TfError("TF_JSON_MALFORMED", `${path} is not valid JSON`, { details: { path } });
  }
  const p = config.profiles?.[name];
  if (!p) {
    throw new sdk.TfError("TF_USAGE", `No profile ${JSON.stringify(name)} in ${path}`, {
      remedy: `Profiles available: ${Object.keys(config.profiles ?? {}).join(", ") || "none"}.`,
    });
  }
  return p;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Maps anything thrown to the taxonomy: TfError as is, oclif parse errors to TF_USAGE. */
export async function describeError(e: unknown): Promise<{ view: ErrorView; exit: number }> {
  const sdk = await import("@trustfabric/sdk");
  if (e instanceof sdk.TfError) {
    return {
      view: { code: e.code, message: e.message, remedy: e.remedy, details: e.details },
      exit: e.exitCode,
    };
  }
  const oclif = e as { oclif?: { exit?: number }; message?: string };
  if (oclif && typeof oclif === "object" && oclif.oclif) {
    const first = String(oclif.message ?? "Invalid usage").split("\n")[0]!;
    const usage = new sdk.TfError("TF_USAGE", first);
    return { view: { code: usage.code, message: usage.message, remedy: usage.remedy }, exit: 2 };
  }
  const internal = sdk.toTfError(e);
  if (process.env.TF_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  return {
    view: {
      code: internal.code,
      message: internal.message,
      remedy: internal.remedy,
      details: internal.details,
    },
    exit: internal.exitCode,
  };
}
