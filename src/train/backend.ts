/**
 * Chooses where tfjs computes: WebGL on a real GPU, WebAssembly SIMD where WebGL is
 * missing or software-rendered (SwiftShader is ~2.5x slower than wasm on a CPU),
 * and the plain JavaScript cpu backend as a last resort.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Imported as URLs so Vite emits and fingerprints the binaries in the production build.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendInfo, BackendPreference } from './protocol';

export type { BackendPreference };

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

export interface WebglProbe {
  available: boolean;
  renderer?: string;
}

/** Asks the GPU driver who it is, without touching tfjs. */
export function probeWebgl(): WebglProbe {
  try {
    if (typeof OffscreenCanvas === 'undefined') return { available: false };
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return { available: false };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, renderer };
  } catch {
    return { available: false };
  }
}

export function isSoftwareRenderer(renderer: string | undefined): boolean {
  return renderer === undefined || SOFTWARE_RENDERER.test(renderer);
}

async function trySetBackend(name: string): Promise<boolean> {
  try {
    // setBackend can resolve false or fall back silently: trust only getBackend().
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}


let wasmPathsSet = false;
function useBundledWasm() {
  if (wasmPathsSet) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
  wasmPathsSet = true;
}

async function startWebgl(webgl: WebglProbe, reason: string): Promise<BackendInfo | undefined> {
  if (!webgl.available || !(await trySetBackend('webgl'))) return undefined;
  const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
  return { name: 'webgl', reason, precision: float32 ? 'float32' : 'float16', renderer: webgl.renderer };
}

async function startCpuBackends(webgl: WebglProbe, whyNotWebgl: string, preferCpu = false): Promise<BackendInfo> {
  useBundledWasm();
  if (!preferCpu && (await trySetBackend('wasm'))) {
    return { name: 'wasm', reason: `${whyNotWebgl}; training on the CPU with WebAssembly.`, precision: 'float32', renderer: webgl.renderer };
  }
  await tf.setBackend('cpu');
  return {
    name: 'cpu',
    reason: preferCpu ? `${whyNotWebgl}; using the plain JavaScript backend.` : `${whyNotWebgl}, and WebAssembly failed to start; using the slow JavaScript backend.`,
    precision: 'float32',
    renderer: webgl.renderer,
  };
}

/**
 * Automatic: WebGL on a real GPU, else WebAssembly, else JavaScript. A preference set
 * by the user is honoured where the backend starts, and falls back the same way where not.
 */
export async function chooseBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  const webgl = probeWebgl();
  if (preference === 'webgl') {
    const chosen = await startWebgl(webgl, `WebGL chosen by you (${webgl.renderer ?? 'unknown renderer'}).`);
    if (chosen) return chosen;
    return startCpuBackends(webgl, 'WebGL could not start here');
  }
  if (preference === 'wasm') return startCpuBackends(webgl, 'WebAssembly chosen by you');
  if (preference === 'cpu') return startCpuBackends(webgl, 'JavaScript chosen by you', true);

  if (!isSoftwareRenderer(webgl.renderer)) {
    const chosen = await startWebgl(webgl, `WebGL runs on a real GPU (${webgl.renderer}).`);
    if (chosen) return chosen;
  }
  const whyNotWebgl = !webgl.available
    ? 'WebGL is not available in this browser'
    : isSoftwareRenderer(webgl.renderer)
      ? `WebGL is software-rendered here (${webgl.renderer ?? 'unknown renderer'}), which is slower than WebAssembly on the CPU`
      : 'WebGL failed to start';
  return startCpuBackends(webgl, whyNotWebgl);
}

/** After the GPU context is lost, training continues on the CPU. */
export async function fallBackFromWebgl(): Promise<BackendInfo> {
  return startCpuBackends(probeWebgl(), 'The GPU context was lost (driver reset or GPU crash)');
}

/** The WebGL context tfjs draws with, when WebGL is the backend. */
export function webglContext(): WebGLRenderingContext | undefined {
  if (tf.getBackend() !== 'webgl') return undefined;
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
  return backend.gpgpu?.gl;
}
