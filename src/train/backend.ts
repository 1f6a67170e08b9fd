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
import type { BackendInfo } from './protocol';

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

export async function chooseBackend(): Promise<BackendInfo> {
  const webgl = probeWebgl();
  if (webgl.available && !isSoftwareRenderer(webgl.renderer) && (await trySetBackend('webgl'))) {
    const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
    return {
      name: 'webgl',
      reason: `WebGL runs on a real GPU (${webgl.renderer}).`,
      precision: float32 ? 'float32' : 'float16',
      renderer: webgl.renderer,
    };
  }
  const whyNotWebgl = !webgl.available
    ? 'WebGL is not available in this browser'
    : isSoftwareRenderer(webgl.renderer)
      ? `WebGL is software-rendered here (${webgl.renderer ?? 'unknown renderer'}), which is slower than WebAssembly on the CPU`
      : 'WebGL failed to start';

  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
  if (await trySetBackend('wasm')) {
    return { name: 'wasm', reason: `${whyNotWebgl}; training on the CPU with WebAssembly.`, precision: 'float32', renderer: webgl.renderer };
  }
  await tf.setBackend('cpu');
  return {
    name: 'cpu',
    reason: `${whyNotWebgl}, and WebAssembly failed to start; using the slow JavaScript backend.`,
    precision: 'float32',
    renderer: webgl.renderer,
  };
}
