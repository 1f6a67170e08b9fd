import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chooseBackend, type KernelCandidate } from './backend';
import type { EngineFactory, TrainingEngine } from './engine';
import { createTfjsEngine } from './tfjsEngine';
import { fastest, measureEngine, syntheticSplit } from './warmup';

/**
 * The time the fake engines' steps take, added to the clock the warm-up reads: their
 * speed is exact, however busy the machine, and no CPU is burnt waiting.
 */
let fakeElapsedMs = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const now = performance.now.bind(performance);
  vi.spyOn(performance, 'now').mockImplementation(() => now() + fakeElapsedMs);
});

afterAll(() => {
  vi.restoreAllMocks();
});

/** An engine whose step takes `msPerStep` (on the clock the warm-up reads). */
function fakeEngine(msPerStep: number): EngineFactory {
  return async (): Promise<TrainingEngine> => ({
    loadBatch: () => {},
    step: () => {
      fakeElapsedMs += msPerStep;
      return Float64Array.of(2.3, 13);
    },
    evaluate: (runs) => runs.map(() => Float64Array.of(0, 0)),
    weights: async () => [],
    release: () => {},
    dispose: () => {},
  });
}

describe('syntheticSplit', () => {
  it('is MNIST-shaped and about as sparse', () => {
    const split = syntheticSplit(100, 1);
    expect(split.images).toHaveLength(78_400);
    const nonzero = split.images.filter((p) => p > 0).length / split.images.length;
    expect(nonzero).toBeGreaterThan(0.15);
    expect(nonzero).toBeLessThan(0.23);
    expect(Math.max(...split.labels)).toBeLessThanOrEqual(9);
  });
});

describe('measureEngine', () => {
  it('times real training steps and releases every tensor', async () => {
    const before = tf.memory().numTensors;
    const samplesPerSecond = await measureEngine(async (data, plan, initial) => createTfjsEngine(data, plan, initial, 'dense'), { warmupSteps: 1, timedSteps: 2 });
    expect(samplesPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(samplesPerSecond)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ranks a slower engine below a faster one', async () => {
    const slow = await measureEngine(fakeEngine(8));
    const quick = await measureEngine(fakeEngine(1));
    expect(quick).toBeGreaterThan(slow * 3);
  });
});

describe('fastest', () => {
  it('picks the highest throughput, the earlier one on a tie, nothing from nothing', () => {
    expect(fastest([{ name: 'a', samplesPerSecond: 1 }, { name: 'b', samplesPerSecond: 3 }])?.name).toBe('b');
    expect(fastest([{ name: 'a', samplesPerSecond: 2 }, { name: 'b', samplesPerSecond: 2 }])?.name).toBe('a');
    expect(fastest([])).toBeUndefined();
  });
});

describe('chooseBackend', () => {
  const kernel = (msPerStep: number): KernelCandidate => ({ build: 'SIMD', engine: fakeEngine(msPerStep) });

  it('chooses by the warm-up and says what each candidate measured', async () => {
    const backend = await chooseBackend('auto', kernel(0.5));
    expect(backend.name).toBe('kernel');
    expect(backend.reason).toMatch(/^Fastest in a warm-up here: WebAssembly kernel \(CPU\) [\d,]+ samples\/s \(SIMD\)/);
    expect(backend.measurements?.map((m) => m.name)).toContain('kernel');
    // No OffscreenCanvas in Node: WebGL is reported missing, not silently skipped.
    expect(backend.reason).toMatch(/WebGL is not available/);
  });

  it('does not choose a candidate that measured slower (tfjs WebAssembly against a slow kernel)', async () => {
    const backend = await chooseBackend('auto', kernel(400));
    expect(backend.measurements?.map((m) => m.name).sort()).toEqual(['kernel', 'wasm']);
    expect(backend.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(backend.reason).toMatch(/^Fastest in a warm-up here: WebAssembly \(CPU\) [\d,]+ samples\/s, against WebAssembly kernel \(CPU\) [\d,]+ samples\/s\./);
  });

  it('honours the user’s choice, and explains a fallback when the choice cannot run', async () => {
    expect((await chooseBackend('cpu')).name).toBe('cpu');
    const noKernel = await chooseBackend('kernel');
    expect(noKernel.name).not.toBe('kernel');
    expect(noKernel.reason).toMatch(/^WebAssembly kernel \(CPU\) cannot run in this browser\./);
    expect(noKernel.reason).toMatch(/The WebAssembly kernel needs WebAssembly SIMD, which this browser lacks/);
  });
});
