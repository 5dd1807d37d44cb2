// Playwright runs the e2e specs against the production build (`vite preview`) in the system's
// headless Chromium; it never downloads a browser. In headless Chromium on Linux the only flag
// WebGPU needs is --enable-unsafe-webgpu: with no GPU, Chromium falls back to SwiftShader, in
// pages and in Workers alike. The other flags keep Chromium off the network (there is none on
// CI). Playwright adds --no-sandbox itself (chromiumSandbox defaults to false), which lets it
// run as root in containers.
import { defineConfig } from '@playwright/test';

const CI = Boolean(process.env.CI);

const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // SwiftShader runs WebGPU on the CPU: slow, and a 2-core CI machine is slower still.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  // Two workers, the files split between them (a file's tests run in order, in one worker): one
  // worker left a 2-core machine a fifth idle (page loads, IndexedDB, waits on the Worker).
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: CI,
  reporter: CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    baseURL: 'http://127.0.0.1:4173',
    screenshot: 'on',
    trace: 'retain-on-failure',
    navigationTimeout: 60_000,
    actionTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: 'npm run preview',
    url: 'http://127.0.0.1:4173',
    reuseExistingServer: !CI,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
