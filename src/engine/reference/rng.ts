// The reference's random numbers are the engine's (src/engine/util/rng.ts): randomness is an
// input to the computations the oracle checks, not one of them, so both must draw the same
// numbers from one definition. The production engine never imports from reference/ (lint).

export { dropout_keep, hash_u32, pcg_u32, Rng, u01 } from '../util/rng';
