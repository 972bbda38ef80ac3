/** The ZK proving layer in one place: commitments, circuits, proving, verifying, batch verification. */
export * from "./batch.js";
export * from "./circuits.js";
export * from "./commit.js";
export { acquireCurve, keepCurveWarm, releaseCurve, withCurve } from "./curve.js";
export * from "./groth16-types.js";
export { pairingThreads } from "./pairing-pool.js";
export * from "./prove.js";
export * from "./verify.js";
