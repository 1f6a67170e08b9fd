import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The production page's Content-Security-Policy: scripts only from our origin, no eval
 * (WebAssembly compilation alone is allowed), data and wasm fetched from our origin only.
 * Build only: the dev server injects an inline React Refresh preamble.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * Cross-origin isolation, so the training workers can share one decoded dataset through
 * SharedArrayBuffer. Everything the page loads (scripts, workers, wasm, data) is
 * same-origin, so `require-corp` blocks nothing. A static host must send the same two
 * headers (README, "Hosting"); without them the app works and copies the data instead.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

/**
 * `npm run bench` builds extra pages: its training baseline, a bare tfjs loop
 * (bench/bare.html), and the chart benchmark (bench/charts.html).
 */
const BENCH_PAGES = process.env.BENCH_PAGES === '1';

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    ...(BENCH_PAGES ? { rolldownOptions: { input: { main: 'index.html', bare: 'bench/bare.html', charts: 'bench/charts.html' } } } : {}),
    // tfjs is large by nature; splitting it further gains nothing for a single-page tool.
    chunkSizeWarningLimit: 4000,
  },
  server: { headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  preview: { port: 4173, strictPort: true, headers: CROSS_ORIGIN_ISOLATION_HEADERS },
});
