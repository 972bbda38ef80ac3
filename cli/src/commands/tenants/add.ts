import { Args, Flags } from "@oclif/core";
import { TfCommand } from "../../base.js";

export default class TenantsAdd extends TfCommand<typeof TenantsAdd> {
  static summary = "Create a tenant of `tf serve`, or a new API key for one.";
  static description =
    "Issues an API key for the tenant. Only its SHA-256 hash is stored (in $TF_HOME/server/tenants.json); the key itself is written once, to --key-out (mode 0600) or stdout. Running it again for the same tenant adds a second key, for rotation.";
  static examples = [
    "<%= config.bin %> tenants add acme --key-out acme.key",
    "<%= config.bin %> tenants add acme --json",
  ];
  static args = {
    tenant: Args.string({ description: "Tenant id: lowercase letters, digits and '-'", required: true }),
  };
  static flags = {
    "key-out": Flags.string({ description: "Write the API key to this file (mode 0600) instead of stdout" }),
  };

  protected async execute() {
    const sdk = await this.sdk();
    const home = sdk.defaultHome(this.flags.home ? { TF_HOME: this.flags.home } : process.env);
    const { tenant, apiKey } = new sdk.TenantRegistry(home).issueKey(this.args.tenant);
    if (this.flags["key-out"]) {
      sdk.writeFileAtomic(this.flags["key-out"], `${apiKey}\n`, { mode: 0o600 });
      return { tenant, keyFile: this.flags["key-out"] };
    }
    return { tenant, apiKey };
  }

  protected renderText(r: { tenant: string; apiKey?: string; keyFile?: string }) {
    if (r.keyFile) return `${this.output.out.green("✔")} tenant ${r.tenant}: API key written to ${r.keyFile}`;
    return r.apiKey;
  }
}
