/**
 * ZK-TX: normalization, epochs, blinding, DLEQ, envelopes, the exchange, bundles, and the
 * proving layer (commitments, circuits, Groth16 proving, verifying and batch verification).
 */
export * from "./blind.js";
export * from "./bundle.js";
export * from "./dleq.js";
export * from "./docs.js";
export * from "./envelope.js";
export * from "./epoch.js";
export * from "./exchange.js";
export * from "./normalize.js";
export * from "./proofs.js";
export * from "./quota.js";
