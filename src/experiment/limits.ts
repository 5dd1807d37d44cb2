// The experiment schema's limits (config.ts re-exports them), in a module of their own without zod:
// the Worker's memory check needs these numbers, and importing config.ts would bring the whole
// schema library into the Worker's first download.

export const LIMITS = {
  methods: 6,
  steps: 5000,
  batchSize: 32,
  seqLen: 256,
  rank: 128,
  evalBatches: 32,
  diversitySamples: 32,
} as const;
