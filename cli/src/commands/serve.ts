import { Flags } from "@oclif/core";
import { TfCommand } from "../base.js";

export default class Serve extends TfCommand<typeof Serve> {
  static summary = "Serve the operation table over HTTP/JSON.";
  static description =
    "Starts the thin server: POST /v1/ops/<operation>, GET /openapi.json, /healthz and /metrics (Prometheus). Each tenant authenticates with its API key (create one with `tf tenants add`) and works in its own data directory under the server's. Access logs are JSON lines on stderr and never contain keys or request bodies. Stops on Ctrl-C or SIGTERM.";
  static examples = [
    "<%= config.bin %> serve --port 8787",
    "TF_HOME=/srv/tf <%= config.bin %> serve --host 127.0.0.1 --port 8787 --max-body-bytes 4194304",
  ];
  static flags = {
    host: Flags.string({ description: "Address to listen on", default: "127.0.0.1" }),
    port: Flags.integer({
      description: "Port to listen on (0 picks a free one)",
      default: 8787,
      min: 0,
      max: 65535,
    }),
    "max-body-bytes": Flags.integer({
      description: "Largest request body accepted",
      default: 1024 * 1024,
      min: 1024,
    }),
    "body-timeout-ms": Flags.integer({
      description: "Time allowed to receive a request body",
      default: 10_000,
      min: 100,
    }),
  };

  protected async execute() {
    const sdk = await this.sdk();
    const home = sdk.defaultHome(this.flags.home ? { TF_HOME: this.flags.home } : process.env);
    const server = await sdk.startServer({
      home,
      host: this.flags.host,
      port: this.flags.port,
      maxBodyBytes: this.flags["max-body-bytes"],
      bodyTimeoutMs: this.flags["body-timeout-ms"],
    });
    // The URL goes to stdout (data) so scripts can read it; everything else is stderr.
    this.output.note(`tf serve: listening on ${server.url} (data: ${home})`);
    if (this.output.json) this.output.success({ url: server.url, home });
    else this.output.data(server.url);
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve);
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
    return undefined;
  }

  protected renderText() {
    return "";
  }
}
