/** Backfill: idempotent, resumable replays that give legacy results manifests and witnesses. */
export * from "./fslog-witness.js";
export * from "./journal.js";
export * from "./legacy.js";
export * from "./pcq-processor.js";
export * from "./runner.js";
