/**
 * The backends training can run on, and how the page names them. Here, beside the
 * other display vocabulary, so the UI can show them without importing train/ (which
 * holds tfjs); the worker protocol and the backend choice use the same names.
 */

/** 'kernel': the fused WebAssembly training kernel; the others are tfjs backends. In the menu's order. */
export const BACKEND_NAMES = ['webgl', 'kernel', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** How the page names each backend. */
export const BACKEND_LABELS: Record<BackendName, string> = {
  webgl: 'WebGL (GPU)',
  kernel: 'WebAssembly kernel (CPU)',
  wasm: 'WebAssembly (CPU)',
  cpu: 'JavaScript (CPU)',
};
