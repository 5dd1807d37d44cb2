// Vite config for the app (dev server, production build, preview for the e2e suite).
// WGSL kernels are imported as text with `?raw`, which Vite supports natively; the training
// Worker is an ES module Worker (`new Worker(new URL(...), { type: 'module' })`).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  // onnxruntime-web (the Export panel's generation) finds its wasm through a `?url` import, served from
  // this origin; pre-bundling it in dev would break that URL, so Vite serves it as is.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
