/**
 * The automatic backend choice measures instead of guessing: each candidate trains a
 * few real steps (the same engine code as a run, on synthetic MNIST-shaped data) and
 * the fastest wins. Names alone mislead: WebGL on a software renderer is slower than
 * WebAssembly on the same CPU, and a real GPU may or may not beat the fused kernel.
 */
import { IMAGE_SIZE, NUM_CLASSES } from '../data/manifest';
import type { MnistData, SplitData } from '../data/shardLoader';
import { articleNetwork } from '../experiment/network';
import { optimizerDefaults } from '../experiment/optimizers';
import { initialWeights } from './network';
import { createRandom } from './random';
import type { EngineFactory, EnginePlan, PendingValues } from './engine';

export interface Measurement<Name extends string = string> {
  name: Name;
  samplesPerSecond: number;
}

const WARMUP_BATCH = 128;
/** MNIST has ~19 % nonzero pixels; the kernel's sparse first layer depends on it. */
const NONZERO_FRACTION = 0.19;

/** Random images with MNIST's size and sparsity, and random labels: timing needs no real digits. */
export function syntheticSplit(count: number, seed: number): SplitData {
  const random = createRandom(seed, 99);
  const images = new Uint8Array(count * IMAGE_SIZE);
  for (let i = 0; i < images.length; i++) if (random.next() < NONZERO_FRACTION) images[i] = 1 + random.int(255);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = random.int(NUM_CLASSES);
  return { count, images, labels };
}

/** Reading forces a GPU to finish its queued work, so the clock sees all of it. */
async function settle(values: PendingValues) {
  if (values instanceof Float64Array) return;
  await values.data();
  values.dispose();
}

/**
 * Samples per second of Adam steps on `engine`: `warmupSteps` untimed (shader
 * compilation, JIT), then `timedSteps` timed, ending with a read-back.
 */
export async function measureEngine(makeEngine: EngineFactory, { warmupSteps = 2, timedSteps = 6 } = {}): Promise<number> {
  const data: MnistData = { train: syntheticSplit(WARMUP_BATCH * 2, 1), test: syntheticSplit(WARMUP_BATCH, 2) };
  const plan: EnginePlan = { network: articleNetwork(), batchSize: WARMUP_BATCH, runs: [{ optimizer: 'adam', hyperparameters: optimizerDefaults('adam') }] };
  const engine = await makeEngine(data, plan, initialWeights(1));
  try {
    const batches = [0, 1].map((b) => Uint32Array.from({ length: WARMUP_BATCH }, (_, i) => b * WARMUP_BATCH + i));
    for (let i = 0; i < warmupSteps; i++) {
      engine.loadBatch(batches[i % 2]);
      await settle(engine.step(0));
    }
    const started = performance.now();
    const pending: PendingValues[] = [];
    for (let i = 0; i < timedSteps; i++) {
      engine.loadBatch(batches[i % 2]);
      pending.push(engine.step(0));
    }
    for (const values of pending) await settle(values);
    const seconds = Math.max((performance.now() - started) / 1000, 1e-6);
    return (timedSteps * WARMUP_BATCH) / seconds;
  } finally {
    engine.dispose();
  }
}

/** The fastest measurement; on a tie, the earlier candidate (listed in order of preference). */
export function fastest<Name extends string>(measurements: readonly Measurement<Name>[]): Measurement<Name> | undefined {
  return measurements.reduce<Measurement<Name> | undefined>((best, m) => (!best || m.samplesPerSecond > best.samplesPerSecond ? m : best), undefined);
}
