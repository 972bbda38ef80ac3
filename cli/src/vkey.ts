/** A verifier key flag takes the key itself or `@path` to a file holding it. */
export async function readVkey(value: string, read: (path: string) => Promise<string>): Promise<string> {
  return value.startsWith("@") ? (await read(value.slice(1))).trim() : value.trim();
}
