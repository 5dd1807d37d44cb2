// Vite config for the app (dev server, production build, preview for the e2e suite).
// WGSL kernels are imported as text with `?raw`, which Vite supports natively; the training
// Worker is an ES module Worker (`new Worker(new URL(...), { type: 'module' })`).
// The built page runs under a strict Content Security Policy (see CSP below): the preview server
// sends it as a header (which also covers the Worker, whose policy comes from its own response),
// and the build writes it into index.html for any static host. Not in dev: React refresh needs
// an inline script there.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Only what the page uses, all from its own origin. `'wasm-unsafe-eval'` lets onnxruntime-web (the Export
 * panel's generation) compile its WebAssembly; nothing evaluates strings. `blob:` images are the PNG chart
 * export (an SVG drawn through an <img>); `data:` images are the inline favicon. No inline script or style
 * element, no remote origin, workers only from 'self' (the training Worker).
 */
export const CSP: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'worker-src': "'self'",
  'connect-src': "'self'",
  'img-src': "'self' data: blob:",
  'style-src': "'self'",
  'font-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
};

/**
 * Directives a <meta> policy may not carry (Chromium ignores them there, with a console error).
 * `frame-ancestors *`: any http(s) page may frame the playground, which is what embed mode is for
 * (course pages iframe it); it holds no account or secret a framing page could trick a click into
 * using. Everything else in the policy stays as strict inside a frame.
 */
const HEADER_ONLY: Record<string, string> = { 'frame-ancestors': '*' };

export const cspText = (directives: Record<string, string>) => Object.entries(directives).map(([k, v]) => `${k} ${v}`).join('; ');

/** Writes the policy into the built index.html, right after <meta charset>, before any script or stylesheet. */
function contentSecurityPolicy(): Plugin {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${cspText(CSP)}" />`;
  return {
    name: 'lora-lab:csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      const charset = /<meta charset="[^"]*"\s*\/?>/i;
      if (!charset.test(html)) throw new Error('index.html has no <meta charset>: the CSP <meta> goes right after it');
      return html.replace(charset, (m) => `${m}\n    ${meta}`);
    },
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  // onnxruntime-web (the Export panel's generation) finds its wasm through a `?url` import, served from
  // this origin; pre-bundling it in dev would break that URL, so Vite serves it as is.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1', port: 5173 },
  preview: {
    host: '127.0.0.1', port: 4173, strictPort: true,
    headers: { 'Content-Security-Policy': cspText({ ...CSP, ...HEADER_ONLY }) },
  },
});
