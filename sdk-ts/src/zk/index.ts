/** ZK-TX protocol layer: normalization, epochs, blinding, DLEQ, envelopes, the exchange, bundles. */
export * from "./blind.js";
export * from "./bundle.js";
export * from "./dleq.js";
export * from "./docs.js";
export * from "./envelope.js";
export * from "./epoch.js";
export * from "./exchange.js";
export * from "./normalize.js";
export * from "./quota.js";
