import { z } from "zod";
import { KeyStore, PublicKeyInfoSchema } from "../../core/keys.js";
import { defineOperation } from "../operation.js";

const KeyName = z.string().min(1).max(64).describe("Key name: letters, digits, '.', '_' and '-'");

export const keysGenerate = defineOperation({
  name: "keys.generate",
  summary: "Generate an Ed25519 signing key and store it in the key store (mode 0600).",
  idempotent: false,
  input: z.object({ name: KeyName }),
  output: PublicKeyInfoSchema,
  handler: ({ name }, ctx) => new KeyStore(ctx.home).generate(name, { now: ctx.now?.() }),
});

export const keysList = defineOperation({
  name: "keys.list",
  summary: "List the keys in the key store (public parts only).",
  idempotent: true,
  input: z.object({}),
  output: z.object({ keys: z.array(PublicKeyInfoSchema) }),
  handler: (_input, ctx) => ({ keys: new KeyStore(ctx.home).list() }),
});

export const keysShow = defineOperation({
  name: "keys.show",
  summary: "Show one key's public part, by name or key id.",
  idempotent: true,
  input: z.object({ key: z.string().min(1).describe("Key name or key id") }),
  output: PublicKeyInfoSchema,
  handler: ({ key }, ctx) => new KeyStore(ctx.home).load(key).info,
});
