import type { OperationInput, OperationName, OperationOutput } from "../engine/index.js";

type Namespace = OperationName extends infer N ? (N extends `${infer NS}.${string}` ? NS : never) : never;

type MethodsOf<NS extends string> = {
  [K in OperationName as K extends `${NS}.${infer M}` ? M : never]: (
    input?: OperationInput<K>,
  ) => Promise<OperationOutput<K>>;
};

/** The typed surface shared by LocalClient and RemoteClient: `client.log.append({...})`. */
export type TypedOperations = { [NS in Namespace]: MethodsOf<NS> };

export interface TrustFabricClient {
  call<K extends OperationName>(name: K, input?: OperationInput<K>): Promise<OperationOutput<K>>;
}
