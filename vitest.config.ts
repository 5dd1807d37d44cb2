// Vitest runs unit and GPU kernel tests in Node. GPU tests use Dawn (the `webgpu`
// package); on a machine without a GPU we point it at SwiftShader, Chromium's CPU Vulkan.
// The env is set here, in the parent process, so forked test workers inherit it at exec
// time (the dynamic loader reads LD_LIBRARY_PATH only when a process starts).
import { defineConfig } from 'vitest/config';
import { gpuEnvForNode } from './scripts/gpu-env.js';

Object.assign(process.env, gpuEnvForNode(process.env));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
