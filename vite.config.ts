import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

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
 * Offline after the first visit (README, "Hosting"; ARCHITECTURE.md, "Offline"): a Workbox
 * service worker generated at build time precaches everything the app fetches, the exact
 * URLs the page and the workers request: the HTML, scripts, styles, both kernel builds and
 * tfjs's wasm binaries (fingerprinted under assets/), the icons and manifest, and the MNIST
 * shards with their manifest under data/mnist/ (not fingerprinted, so Workbox revisions
 * them by content). The shard loader still checks each shard's SHA-256, whichever answers.
 * 'prompt': a new version waits until the user agrees (never mid-run; src/store/offline.ts).
 * Production build only: vite-plugin-pwa adds no service worker to `vite` dev.
 */
function offlineSupport() {
  return VitePWA({
    registerType: 'prompt',
    // Registered from src/main.tsx through `virtual:pwa-register` (an ES module, so the CSP needs no inline script).
    injectRegister: false,
    includeAssets: ['icons/apple-touch-icon-180.png'],
    manifest: {
      name: 'Optimizer Playground',
      short_name: 'Optimizers',
      description: 'Train one network on real MNIST with several optimizers side by side, in the browser, online or offline.',
      theme_color: '#1a56db',
      background_color: '#f5f6f8',
      display: 'standalone',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      // The manifest and its icons are added by the plugin (includeManifestIcons, includeAssets).
      globPatterns: ['**/*.{html,js,css,wasm}', 'data/mnist/manifest.json', 'data/mnist/*.bin'],
      // The training worker's bundle (tfjs inside) is about 2 MB, a shard 1.6 MB.
      maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      // A link's query (?v=2&opt=…) opens the cached page too.
      navigateFallback: 'index.html',
    },
  });
}

/**
 * `npm run bench` builds extra pages: its training baseline, a bare tfjs loop
 * (bench/bare.html), and the chart benchmark (bench/charts.html).
 */
const BENCH_PAGES = process.env.BENCH_PAGES === '1';

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), offlineSupport()],
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
