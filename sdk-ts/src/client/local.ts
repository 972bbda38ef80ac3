import { resolve } from "node:path";
import {
  type OperationInput,
  type OperationName,
  type OperationOutput,
  operationNames,
  runOperation,
} from "../engine/index.js";
import type { OperationContext } from "../engine/operation.js";
import type { TrustFabricClient, TypedOperations } from "./types.js";

export interface LocalClientOptions {
  /** Data directory; defaults to $TF_HOME, then ./.tf */
  home?: string;
  onProgress?: OperationContext["onProgress"];
  now?: () => Date;
}

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TF_HOME && env.TF_HOME !== "" ? env.TF_HOME : ".tf");
}

/** Runs operations in-process on a data directory: the embedded default, no server. */
export class LocalClient implements TrustFabricClient {
  readonly home: string;
  private readonly ctx: OperationContext;

  constructor(options: LocalClientOptions = {}) {
    this.home = resolve(options.home ?? defaultHome());
    this.ctx = { home: this.home, onProgress: options.onProgress, now: options.now };
  }

  call<K extends OperationName>(name: K, input?: OperationInput<K>): Promise<OperationOutput<K>> {
    return runOperation(name, (input ?? {}) as OperationInput<K>, this.ctx);
  }
}

/** Adds `client.<namespace>.<method>()` for every operation in the table. */
export function withMethods<C extends TrustFabricClient>(client: C): C & TypedOperations {
  const ns: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of operationNames) {
    const [space, method] = name.split(".") as [string, string];
    ns[space] ??= {};
    ns[space][method] = (input?: unknown) => client.call(name, input as never);
  }
  return Object.assign(client, ns) as unknown as C & TypedOperations;
}

export function createLocalClient(options: LocalClientOptions = {}): LocalClient & TypedOperations {
  return withMethods(new LocalClient(options));
}
