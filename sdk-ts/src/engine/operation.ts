import type { z } from "zod";

/** What a handler may use besides its input: all I/O roots and callbacks are injected. */
export interface OperationContext {
  /** Data directory (TF_HOME): keys, log, registry, jobs. */
  home: string;
  /** Progress of long operations (done/total); the SDK itself never prints. */
  onProgress?: (event: { operation: string; done: number; total: number }) => void;
  now?: () => Date;
}

export interface Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  /** Safe to retry as is (read-only or naturally idempotent). */
  idempotent: boolean;
  /** Input fields naming local filesystem paths: refused over the server (tenant isolation). */
  pathInputs?: readonly string[];
  input: I;
  output: O;
  handler: (input: z.output<I>, ctx: OperationContext) => Promise<z.input<O>> | z.input<O>;
}

export function defineOperation<I extends z.ZodType, O extends z.ZodType>(
  op: Operation<I, O>,
): Operation<I, O> {
  return op;
}
