/**
 * Chooses where training computes: WebGL on a GPU, the fused WebAssembly kernel or
 * tfjs's WebAssembly backend on the CPU, by a short measured warm-up; the plain
 * JavaScript cpu backend is the last resort.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Imported as URLs so Vite emits and fingerprints the binaries in the production build.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_LABELS, type BackendName } from '../experiment/backends';
import type { BackendInfo, BackendPreference } from './protocol';
import type { EngineFactory } from './engine';
import { createTfjsEngine } from './tfjsEngine';
import { fastest, measureEngine, type Measurement } from './warmup';

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
  // Under cross-origin isolation tfjs-wasm would pick its multi-threaded build, whose
  // pthread workers (blob: scripts) crash in this bundle. The worker pool is already how
  // the cores are used, so each worker stays single-threaded, isolated or not.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // In Node (tests, scripts) tfjs finds its binaries beside its own files.
  if (wasmPathsSet || (globalThis as { process?: { release?: { name?: string } } }).process?.release?.name === 'node') return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
  wasmPathsSet = true;
}

/** Why the kernel is missing, as the worker found out (shown in the backend's reason). */
export const NO_SIMD = 'needs WebAssembly SIMD, which this browser lacks';

/** The fused kernel as a candidate: the worker supplies it where the browser has SIMD. */
export interface KernelCandidate {
  /** e.g. "relaxed SIMD (FMA)" or "SIMD". */
  build: string;
  engine: EngineFactory;
}

interface Candidate {
  name: BackendName;
  /** Makes tfjs use this backend (the kernel needs tfjs for nothing; it keeps the cheapest). */
  start(): Promise<boolean>;
  engine: EngineFactory;
}

const tfjsEngine: EngineFactory = async (data, plan, initial) => createTfjsEngine(data, plan, initial, 'dense');

function candidates(webgl: WebglProbe, kernel: KernelCandidate | undefined): Record<BackendName, Candidate | undefined> {
  return {
    webgl: webgl.available ? { name: 'webgl', start: () => trySetBackend('webgl'), engine: tfjsEngine } : undefined,
    kernel: kernel ? { name: 'kernel', start: async () => (await trySetBackend('wasm')) || trySetBackend('cpu'), engine: kernel.engine } : undefined,
    wasm: { name: 'wasm', start: () => trySetBackend('wasm'), engine: tfjsEngine },
    cpu: { name: 'cpu', start: () => trySetBackend('cpu'), engine: tfjsEngine },
  };
}

function precisionOf(name: BackendName): BackendInfo['precision'] {
  return name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') ? 'float16' : 'float32';
}

const perSecond = (m: Measurement<BackendName>) => `${BACKEND_LABELS[m.name]} ${Math.round(m.samplesPerSecond).toLocaleString('en-US')} samples/s`;

/**
 * Automatic: every capable candidate trains a few real steps and the fastest wins
 * (WebGL only where the renderer is a real GPU: a software renderer is several times
 * slower than the CPU paths and slow to warm up). A preference set by the user is
 * honoured where it starts, and falls back to the automatic choice where not.
 */
export async function chooseBackend(preference: BackendPreference = 'auto', kernel?: KernelCandidate, kernelMissing = NO_SIMD): Promise<BackendInfo> {
  useBundledWasm();
  const webgl = probeWebgl();
  const all = candidates(webgl, kernel);
  const renderer = webgl.renderer;

  if (preference !== 'auto') {
    const wanted = all[preference];
    if (wanted && (await wanted.start())) {
      const detail = preference === 'kernel' ? ` (${kernel!.build})` : preference === 'webgl' ? ` (${renderer ?? 'unknown renderer'})` : '';
      return { name: preference, reason: `${BACKEND_LABELS[preference]}${detail}, chosen by you.`, precision: precisionOf(preference), renderer };
    }
    const automatic = await chooseBackend('auto', kernel, kernelMissing);
    return { ...automatic, reason: `${BACKEND_LABELS[preference]} cannot run in this browser. ${automatic.reason}` };
  }

  const notes: string[] = [];
  if (!webgl.available) notes.push('WebGL is not available');
  else if (isSoftwareRenderer(renderer)) notes.push(`WebGL is software-rendered here (${renderer ?? 'unknown renderer'}), slower than the CPU, so it was not tried`);
  if (!kernel) notes.push(`the WebAssembly kernel ${kernelMissing}`);
  const contenders = [isSoftwareRenderer(renderer) ? undefined : all.webgl, all.kernel, all.wasm].filter((c): c is Candidate => c !== undefined);

  const measurements: Measurement<BackendName>[] = [];
  for (const candidate of contenders) {
    try {
      if (await candidate.start()) measurements.push({ name: candidate.name, samplesPerSecond: await measureEngine(candidate.engine) });
      else notes.push(`${BACKEND_LABELS[candidate.name]} failed to start`);
    } catch (error) {
      notes.push(`${BACKEND_LABELS[candidate.name]} failed in the warm-up (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const best = fastest(measurements);
  if (!best) {
    await tf.setBackend('cpu');
    return { name: 'cpu', reason: `Nothing faster could start (${notes.join('; ')}); using the slow JavaScript backend.`, precision: 'float32', renderer, measurements };
  }
  await all[best.name]!.start();
  const others = measurements.filter((m) => m !== best);
  const build = best.name === 'kernel' ? ` (${kernel!.build})` : '';
  const reason =
    `Fastest in a warm-up here: ${perSecond(best)}${build}` +
    (others.length ? `, against ${others.map(perSecond).join(', ')}` : '') +
    '.' +
    (notes.length ? ` ${notes.map((n) => n[0].toUpperCase() + n.slice(1)).join('. ')}.` : '');
  return { name: best.name, reason, precision: precisionOf(best.name), renderer, measurements };
}

/** After the GPU context is lost, training continues on the fastest CPU path. */
export async function fallBackFromWebgl(kernel?: KernelCandidate, kernelMissing?: string): Promise<BackendInfo> {
  const choice = await chooseBackend(kernel ? 'kernel' : 'wasm', kernel, kernelMissing);
  return { ...choice, reason: `The GPU context was lost (driver reset or GPU crash); training moved to ${BACKEND_LABELS[choice.name]}.` };
}

/** The WebGL context tfjs draws with, when WebGL is the backend. */
export function webglContext(): WebGLRenderingContext | undefined {
  if (tf.getBackend() !== 'webgl') return undefined;
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
  return backend.gpgpu?.gl;
}
