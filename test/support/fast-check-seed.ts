/**
 * Property tests run the same cases on every run (tests stay deterministic): fast-check's seed is
 * fixed, and `FC_SEED=<n> npm test` explores another set when looking for trouble on purpose.
 */
import fc from "fast-check";

const seed = Number(process.env.FC_SEED ?? 20_261_206);
fc.configureGlobal({ seed: Number.isFinite(seed) ? seed : 20_261_206 });
