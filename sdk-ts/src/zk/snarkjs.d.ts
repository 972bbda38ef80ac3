// snarkjs ships no type declarations; the SDK uses a small, typed subset through circuits.ts.
declare module "snarkjs" {
  export const groth16: {
    fullProve(
      input: unknown,
      wasm: unknown,
      zkey: unknown,
      logger?: unknown,
    ): Promise<{ proof: unknown; publicSignals: string[] }>;
    prove(
      zkey: unknown,
      witness: unknown,
      logger?: unknown,
    ): Promise<{ proof: unknown; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: unknown, proof: unknown, logger?: unknown): Promise<boolean>;
  };
  export const zKey: {
    verifyFromR1cs(r1cs: unknown, ptau: unknown, zkey: unknown, logger?: unknown): Promise<boolean>;
  };
  export const curves: { getCurveFromName(name: string): Promise<unknown> };
}

// circom_runtime (the witness calculator snarkjs uses) ships no type declarations either.
declare module "circom_runtime" {
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: unknown): Promise<unknown>;
}

// wasmcurves and wasmbuilder (the bn128 wasm module ffjavascript runs, and its builder) ship no
// type declarations either.
declare module "wasmbuilder" {
  export class ModuleBuilder {
    modules: Record<string, unknown>;
    setMemory(pages: number): void;
    build(): Uint8Array;
  }
}
declare module "wasmcurves" {
  export function buildBn128(builder: import("wasmbuilder").ModuleBuilder): void;
}
