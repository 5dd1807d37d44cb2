// Vitest runs unit and GPU kernel tests in Node. GPU tests use Dawn (the `webgpu`
// package); on a machine without a GPU we point it at SwiftShader, Chromium's CPU Vulkan.
// The env is set here, in the parent process, so forked test workers inherit it at exec
// time (the dynamic loader reads LD_LIBRARY_PATH only when a process starts).
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { gpuEnvForNode } from './scripts/gpu-env.js';

Object.assign(process.env, gpuEnvForNode(process.env));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**'],
    pool: 'forks',
    // Vitest's default is one fork fewer than the CPUs: a single fork on a 2-core CI machine, where
    // the files then ran one after another (483 s here). Much of a GPU test's time is JavaScript on
    // one core, so two forks keep both cores busy: 267 s for the same suite on the same idle machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
