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
  /** Code of one function body: each call returns the bytes of an instruction sequence. */
  export interface CodeBuilder {
    call(fn: string, ...args: number[][]): number[];
    i32_const(v: number): number[];
    i32_add(a: number[], b: number[]): number[];
    getLocal(name: string): number[];
  }
  export class ModuleBuilder {
    modules: Record<string, unknown>;
    setMemory(pages: number): void;
    alloc(bytes: number): number;
    addFunction(name: string): {
      addParam(name: string, type: string): void;
      getCodeBuilder(): CodeBuilder;
      addCode(...code: number[][]): void;
    };
    exportFunction(name: string): void;
    build(): Uint8Array;
  }
}
declare module "wasmcurves" {
  export function buildBn128(builder: import("wasmbuilder").ModuleBuilder): void;
}
