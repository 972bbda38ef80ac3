import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ed25519 } from "@noble/curves/ed25519.js";
import { z } from "zod";
import { sha256 } from "./canonical.js";
import { fromBase64, toBase64, toHex } from "./encoding.js";
import { TfError, toTfError } from "./errors.js";
import { writeFileAtomic } from "./fsutil.js";

/** Something that signs bytes. Injected wherever signatures are made, so tests can use fixed keys. */
export interface Signer {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Something that checks a signature over bytes. */
export interface Verifier {
  readonly keyId: string;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Key ids are derived from the public key alone: the first 16 hex digits of SHA-256(public key). */
export function keyIdOf(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey)).slice(0, 16);
}

export function ed25519Signer(seed: Uint8Array): Signer {
  if (seed.length !== 32) throw new TfError("TF_KEY_MALFORMED", "An Ed25519 private key is 32 bytes");
  const publicKey = ed25519.getPublicKey(seed);
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    sign: (message) => ed25519.sign(message, seed),
  };
}

export function ed25519Verifier(publicKey: Uint8Array): Verifier {
  if (publicKey.length !== 32) throw new TfError("TF_KEY_MALFORMED", "An Ed25519 public key is 32 bytes");
  return {
    keyId: keyIdOf(publicKey),
    verify(message, signature) {
      if (signature.length !== 64) return false;
      try {
        // zip215: false gives RFC 8032 strict verification, the same answers as Go's crypto/ed25519.
        return ed25519.verify(signature, message, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const KeyFileSchema = z.object({
  schema: z.literal("tf.key/v1"),
  alg: z.literal("ed25519"),
  name: z.string().regex(NAME),
  keyId: z.string(),
  publicKey: z.string(),
  privateKey: z.string(),
  createdAt: z.string(),
});
export type KeyFile = z.infer<typeof KeyFileSchema>;

export const PublicKeyInfoSchema = z.object({
  name: z.string(),
  alg: z.literal("ed25519"),
  keyId: z.string(),
  publicKey: z.string().describe("base64 of the 32-byte Ed25519 public key"),
  createdAt: z.string(),
  path: z.string(),
});
export type PublicKeyInfo = z.infer<typeof PublicKeyInfoSchema>;

export interface LoadedKey {
  info: PublicKeyInfo;
  signer: Signer;
  /** The private seed; for building other signers (signed notes). Never return it from an operation. */
  seed: Uint8Array;
}

/**
 * Keys as files under `<home>/keys/<name>.key` (JSON, mode 0600). The directory is the
 * whole store: copying it moves the keys, and nothing else holds private material.
 */
export class KeyStore {
  constructor(private readonly home: string) {}

  get dir(): string {
    return join(this.home, "keys");
  }

  pathOf(name: string): string {
    if (!NAME.test(name)) {
      throw new TfError("TF_KEY_NAME_INVALID", `Invalid key name ${JSON.stringify(name)}`, {
        details: { name },
      });
    }
    return join(this.dir, `${name}.key`);
  }

  generate(name: string, options: { seed?: Uint8Array; now?: Date } = {}): PublicKeyInfo {
    const path = this.pathOf(name);
    if (existsSync(path))
      throw new TfError("TF_KEY_EXISTS", `A key named ${name} already exists`, { details: { path } });
    const seed = options.seed ?? ed25519.utils.randomSecretKey();
    const signer = ed25519Signer(seed);
    const file: KeyFile = {
      schema: "tf.key/v1",
      alg: "ed25519",
      name,
      keyId: signer.keyId,
      publicKey: toBase64(signer.publicKey),
      privateKey: toBase64(seed),
      createdAt: (options.now ?? new Date()).toISOString(),
    };
    writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return publicInfo(file, path);
  }

  list(): PublicKeyInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".key"))
      .sort()
      .map((f) => this.load(f.slice(0, -4)).info);
  }

  /** Accepts a key name or a key id. */
  load(nameOrId: string): LoadedKey {
    let path = NAME.test(nameOrId) ? join(this.dir, `${nameOrId}.key`) : "";
    if (!path || !existsSync(path)) {
      const byId = existsSync(this.dir)
        ? readdirSync(this.dir).find(
            (f) => f.endsWith(".key") && this.readFile(join(this.dir, f)).keyId === nameOrId,
          )
        : undefined;
      if (!byId) {
        throw new TfError(
          "TF_KEY_NOT_FOUND",
          `No key named or with id ${JSON.stringify(nameOrId)} in ${this.dir}`,
          {
            details: { key: nameOrId },
          },
        );
      }
      path = join(this.dir, byId);
    }
    const file = this.readFile(path);
    const seed = fromBase64(file.privateKey, "privateKey");
    return { info: publicInfo(file, path), signer: ed25519Signer(seed), seed };
  }

  private readFile(path: string): KeyFile {
    let text: string;
    try {
      const st = statSync(path);
      if ((st.mode & 0o077) !== 0) {
        throw new TfError(
          "TF_KEY_INSECURE",
          `Key file ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)})`,
          {
            details: { path },
          },
        );
      }
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw toTfError(e);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new TfError("TF_KEY_MALFORMED", `Key file ${path} is not JSON`, { cause: e, details: { path } });
    }
    const parsed = KeyFileSchema.safeParse(json);
    if (!parsed.success) {
      throw new TfError("TF_KEY_MALFORMED", `Key file ${path} is not a tf.key/v1 document`, {
        details: { path },
      });
    }
    let signer: Signer;
    try {
      signer = ed25519Signer(fromBase64(parsed.data.privateKey, "privateKey"));
    } catch (e) {
      // A privateKey that is not base64 of 32 bytes is a bad key file, not a bad argument.
      throw new TfError("TF_KEY_MALFORMED", `Key file ${path} has an invalid private key`, {
        cause: e,
        details: { path },
      });
    }
    if (toBase64(signer.publicKey) !== parsed.data.publicKey || signer.keyId !== parsed.data.keyId) {
      throw new TfError(
        "TF_KEY_MALFORMED",
        `Key file ${path} has a public key that does not match its private key`,
        {
          details: { path },
        },
      );
    }
    return parsed.data;
  }
}

function publicInfo(file: KeyFile, path: string): PublicKeyInfo {
  return {
    name: file.name,
    alg: file.alg,
    keyId: file.keyId,
    publicKey: file.publicKey,
    createdAt: file.createdAt,
    path,
  };
}
