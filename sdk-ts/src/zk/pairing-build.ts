/**
 * Builds the pairing module (pairing-module.ts): wasmcurves' bn128 module, as ffjavascript builds
 * it, plus tf_prepareG2Naf (NAF_WALK's prepare), written with wasmbuilder from the module's own
 * doubling, addition and Frobenius steps. Takes ~0.25 s (and ~60 ms to load wasmbuilder and
 * wasmcurves), so the SDK build runs it once (tsup.config.ts) and the SDK loads the bytes; only
 * tests and source runs build it.
 */
import { ModuleBuilder } from "wasmbuilder";
import { buildBn128 } from "wasmcurves";
import { BINARY_WALK, F2, G2J, NAF_WALK } from "./pairing-job.js";
import { instantiatePairingModule, PAGES, type PairingModule } from "./pairing-module.js";

/**
 * tf_prepareG2Naf(q, out): q a G2 point (Jacobian, not infinity); out gets NAF_WALK.preQSize bytes
 * laid out as bn128_prepareG2's: the affine point, then the line coefficients in walk order.
 */
function addNafPrepare(m: ModuleBuilder): void {
  const f = m.addFunction(NAF_WALK.prepare);
  f.addParam("pQ", "i32");
  f.addParam("ppreQ", "i32");
  const c = f.getCodeBuilder();
  const k = (v: number) => c.i32_const(v);
  const out = (offset: number) => c.i32_add(c.getLocal("ppreQ"), c.i32_const(offset));
  // R: the running point (Jacobian); -Q: the affine point with y negated; Q1, Q2: Frobenius images
  const R = m.alloc(G2J);
  const negQ = m.alloc(2 * F2);
  const q1 = m.alloc(G2J);
  const q2 = m.alloc(G2J);
  const code: number[][] = [
    c.call("g2m_normalize", c.getLocal("pQ"), out(0)),
    c.call("f2m_copy", out(0), k(R)),
    c.call("f2m_copy", out(F2), k(R + F2)),
    c.call("f2m_one", k(R + 2 * F2)),
    c.call("f2m_copy", out(0), k(negQ)),
    c.call("f2m_neg", out(F2), k(negQ + F2)),
  ];
  let coef = G2J;
  const line = (step: number[]) => {
    code.push(step);
    coef += G2J;
  };
  const d = NAF_WALK.digits;
  for (let i = d.length - 2; i >= 0; i--) {
    line(c.call("bn128_prepDblStep", k(R), out(coef)));
    if (d[i]) line(c.call("bn128_prepAddStep", d[i]! > 0 ? out(0) : k(negQ), k(R), out(coef)));
  }
  code.push(
    c.call("bn128_mulByQ", out(0), k(q1)),
    c.call("bn128_mulByQ", k(q1), k(q2)),
    c.call("f2m_neg", k(q2 + F2), k(q2 + F2)),
  );
  line(c.call("bn128_prepAddStep", k(q1), k(R), out(coef)));
  line(c.call("bn128_prepAddStep", k(q2), k(R), out(coef)));
  if (coef !== NAF_WALK.preQSize) throw new Error("tf_prepareG2Naf: line count mismatch");
  f.addCode(...code);
  m.exportFunction(NAF_WALK.prepare);
}

/** Builds the module's bytes (deterministic). */
export function pairingModuleBytes(): Uint8Array {
  const builder = new ModuleBuilder();
  builder.setMemory(PAGES);
  buildBn128(builder);
  // the walk the curve's module prepares must be the one this code walks
  if ((builder.modules.bn128 as { preQSize: number }).preQSize !== BINARY_WALK.preQSize)
    throw new Error("wasmcurves' bn128 module prepares G2 points unlike BINARY_WALK");
  addNafPrepare(builder);
  return builder.build();
}

/** Builds and instantiates the module (tests; a thread without PAIRING_WASM). */
export const buildPairingModule = (): PairingModule => instantiatePairingModule(pairingModuleBytes());
