/**
 * The wasm kernel's own checks: the update rules against the Keras formulas in
 * float64, size refusal, NaN propagation, sparse versus dense first layer, flat
 * memory, evaluation, and the wrapper's bookkeeping. Agreement with the tfjs path
 * over whole training steps is in kernel.agreement.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IMAGE_SIZE, NUM_CLASSES } from '../../data/manifest';
import type { MnistData } from '../../data/shardLoader';
import { optimizerDefaults, OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import type { ParameterValues } from '../../experiment/parameters';
import { CASES, GRADIENTS, maxRelativeError, muonMatrixReference, reference, seededMatrix, W0, type Vec } from '../../testing/kerasReference';
import { normRelativeError, randomWeights, relativeError, syntheticSplit, tfjsEvaluate } from '../../testing/kernelFixtures';
import { kernelBytes, loadKernel } from '../../testing/kernelNode';
import { loadRealMnist } from '../../testing/realMnist';
import { initialWeights } from '../network';
import { KERNEL_URLS, loadBrowserKernel } from './browser';
import {
  checkTrainerOptions,
  KERNEL_LIMITS,
  kernelMemoryBytes,
  KernelSizeError,
  preferredKernelBuild,
  supportsRelaxedSimd,
  supportsSimd,
  type FirstLayerMode,
  type Kernel,
  type KernelBuild,
  type KernelRunSpec,
  type KernelTrainer,
} from './kernel';
import { kernelLayout, kernelVariant } from './layout';

const BUILDS: KernelBuild[] = ['simd', 'relaxed-simd'];
const kernels = {} as Record<KernelBuild, Kernel>;
let data: MnistData;

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const build of BUILDS) kernels[build] = await loadKernel(build);
  data = loadRealMnist(1024, 1000);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const defaults = (optimizer: OptimizerId): KernelRunSpec => ({ optimizer, hyperparameters: optimizerDefaults(optimizer) });
/** The article's shape at another width: one hidden ReLU layer (other shapes: kernel.network.test.ts). */
const oneLayer = (hidden: number) => ({ hiddenLayers: [hidden], activation: 'relu' as const });
const firstBatch = (size = 128, offset = 0) => Array.from({ length: size }, (_, i) => offset + i);

function trainer(build: KernelBuild, runs: KernelRunSpec[], options: { hidden?: number; maxBatch?: number; initial?: Float32Array[]; firstLayer?: FirstLayerMode } = {}) {
  const hidden = options.hidden ?? 128;
  return kernels[build].createTrainer({
    network: oneLayer(hidden),
    maxBatch: options.maxBatch ?? 128,
    runs,
    initial: options.initial ?? (hidden === 128 ? initialWeights(1) : randomWeights(1, hidden)),
    firstLayer: options.firstLayer,
  });
}

describe('feature detection and builds', () => {
  it('finds SIMD and relaxed SIMD (vitest.config.ts passes the flag Node 20 needs)', () => {
    expect(supportsSimd()).toBe(true);
    expect(supportsRelaxedSimd()).toBe(true);
    expect(preferredKernelBuild()).toBe('relaxed-simd');
  });

  it('the browser loader fetches the preferred build from the URL Vite gives it', async () => {
    expect(KERNEL_URLS.simd).toMatch(/kernel-simd\.wasm$/);
    expect(KERNEL_URLS['relaxed-simd']).toMatch(/kernel-relaxed-simd\.wasm$/);
    const requested: string[] = [];
    const fetchFromBuild = (async (url: string) => {
      requested.push(url);
      return new Response(kernelBytes(url.endsWith('relaxed-simd.wasm') ? 'relaxed-simd' : 'simd'));
    }) as typeof fetch;
    const loaded = await loadBrowserKernel(fetchFromBuild);
    expect(loaded?.build).toBe('relaxed-simd');
    expect(requested).toEqual([KERNEL_URLS['relaxed-simd']]);
    const missing = (async () => new Response('', { status: 404 })) as typeof fetch;
    await expect(loadBrowserKernel(missing)).rejects.toThrow(/HTTP 404/);
  });

  it('both builds were generated from the current optimizer definitions (else createTrainer refuses them)', async () => {
    for (const build of BUILDS) {
      const instance = await WebAssembly.instantiate(kernels[build].module, { env: { abort: () => {} } });
      expect((instance.exports.layoutHash as () => number)() >>> 0).toBe(kernelLayout().hash);
    }
    const stale = vi.spyOn(WebAssembly, 'instantiate').mockImplementation(async (module, imports) => {
      stale.mockRestore();
      const real = await WebAssembly.instantiate(module as WebAssembly.Module, imports);
      return new Proxy(real, { get: (target, key) => (key === 'exports' ? { ...real.exports, layoutHash: () => kernelLayout().hash ^ 1 } : Reflect.get(target, key)) });
    });
    await expect(trainer('simd', [defaults('adam')])).rejects.toThrow(/generated from other optimizer definitions/);
  });

  it('compiles relaxed_madd into the relaxed build only', () => {
    // f32x4.relaxed_madd is 0xfd 0x105 (LEB128 0x85 0x02).
    const hasRelaxedMadd = (bytes: Uint8Array) => bytes.some((b, i) => b === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02);
    expect(hasRelaxedMadd(kernelBytes('relaxed-simd'))).toBe(true);
    expect(hasRelaxedMadd(kernelBytes('simd'))).toBe(false);
  });
});

/**
 * Single steps of each rule with given gradients, against the float64 Keras
 * formulas the tfjs rule tests use. W0 goes into the start of every tensor (the
 * hidden width is W0's length, so dense1/bias is exactly W0), exercising each
 * tensor's place in the kernel's layout, W2's transposition included.
 */
function kernelSteps(t: KernelTrainer, hidden: number): Vec[][] {
  const sizes = [IMAGE_SIZE * hidden, hidden, hidden * NUM_CLASSES, NUM_CLASSES];
  const place = (values: Vec) => sizes.map((n) => Float32Array.from({ length: n }, (_, i) => (i < values.length ? values[i] : 0)));
  t.setWeights(0, place(W0));
  return GRADIENTS.map((g) => {
    t.applyGradients(0, place(g));
    return t.weights(0).map((w) => Array.from(w.subarray(0, W0.length)));
  });
}

/** The rules with epsilon misplaced: inside the square root where Keras has it outside, or the reverse. */
function misplaced(id: OptimizerId, p: ParameterValues): Vec[] | undefined {
  const eps = p.epsilon as number;
  const lr = p.learningRate as number;
  const w = [...W0];
  const out: Vec[] = [];
  const s1 = W0.map(() => (id === 'adagrad' ? (p.initialAccumulator as number) : 0));
  const s2 = W0.map(() => 0);
  GRADIENTS.forEach((g, step) => {
    const t = step + 1;
    for (let i = 0; i < w.length; i++) {
      if (id === 'adam') {
        const [b1, b2] = [p.beta1 as number, p.beta2 as number];
        s1[i] += (g[i] - s1[i]) * (1 - b1);
        s2[i] += (g[i] * g[i] - s2[i]) * (1 - b2);
        // Epsilon inside the square root.
        w[i] -= (((lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)) * s1[i]) / Math.sqrt(s2[i] + eps);
      } else if (id === 'adagrad') {
        s1[i] += g[i] * g[i];
        w[i] -= (lr * g[i]) / (Math.sqrt(s1[i]) + eps);
      } else if (id === 'rmsprop') {
        const rho = p.rho as number;
        s1[i] = rho * s1[i] + (1 - rho) * g[i] * g[i];
        w[i] -= (lr * g[i]) / (Math.sqrt(s1[i]) + eps);
      } else if (id === 'adadelta') {
        const rho = p.rho as number;
        s1[i] = rho * s1[i] + (1 - rho) * g[i] * g[i];
        const d = (-(Math.sqrt(s2[i]) + eps) / (Math.sqrt(s1[i]) + eps)) * g[i];
        s2[i] = rho * s2[i] + (1 - rho) * d * d;
        w[i] += lr * d;
      } else return;
    }
    out.push([...w]);
  });
  return ['adam', 'adagrad', 'rmsprop', 'adadelta'].includes(id) ? out : undefined;
}

describe('update rules match the Keras 3 formulas (float64), one step at a time', () => {
  const cases = BUILDS.flatMap((build) => CASES.map(([id, name, params, tolerance]) => [build, id, name, params, tolerance] as const));
  it.each(cases)('%s build: %s (%s)', async (build, id, _name, params, tolerance) => {
    const t = await trainer(build, [{ optimizer: id, hyperparameters: params }], { hidden: W0.length });
    const steps = kernelSteps(t, W0.length);
    const expected = reference[id](params);
    // A rule with a matrix step (Muon) steps only the biases elementwise; its kernels are checked below.
    const tensors = OPTIMIZERS[id].matrix ? [1, 3] : [0, 1, 2, 3];
    for (const tensor of tensors) {
      expect(maxRelativeError(steps.map((s) => s[tensor]), expected), `tensor ${tensor}`).toBeLessThanOrEqual(tolerance ?? 1e-6);
    }
    // Every other weight had a zero gradient and stays exactly where it was (0).
    for (const w of t.weights(0)) expect(w.subarray(W0.length).every((v) => v === 0)).toBe(true);
    expect(t.steps(0)).toBe(GRADIENTS.length);
  });

  it.each(BUILDS)('%s build: a misplaced epsilon would fail those checks', async (build) => {
    let checked = 0;
    for (const [id, name, params] of CASES) {
      if ((params.epsilon as number | undefined ?? 0) < 1e-3) continue;
      const wrong = misplaced(id, params);
      if (!wrong) continue;
      const t = await trainer(build, [{ optimizer: id, hyperparameters: params }], { hidden: W0.length });
      const steps = kernelSteps(t, W0.length).map((s) => s[1]);
      expect(maxRelativeError(steps, reference[id](params)), name).toBeLessThanOrEqual(1e-6);
      expect(maxRelativeError(steps, wrong), name).toBeGreaterThan(1e-3);
      checked++;
    }
    expect(checked).toBe(4);
  });
});

describe("Muon's matrix step against the float64 reference (Keras's order), one step at a time", () => {
  // 784-8-32-10: W1 is tall (784 x 8, Gram space 8 x 8), W2 wide (8 x 32), the output kernel wide in
  // Keras's shape (32 x 10) but stored transposed (10 x 32, Gram space 10 padded to 12).
  const network = { hiddenLayers: [8, 32], activation: 'relu' as const };
  const shapes = [[IMAGE_SIZE, 8], [8], [8, 32], [32], [32, NUM_CLASSES], [NUM_CLASSES]];
  const cases: [string, ParameterValues][] = [
    ['Keras defaults at lr 0.05', { ...optimizerDefaults('muon'), learningRate: 0.05 }],
    ['lr 0.05, weight decay 0.3, no Nesterov, 3 Newton-Schulz steps, rms rate off', { ...optimizerDefaults('muon'), learningRate: 0.05, weightDecay: 0.3, nesterov: false, nsSteps: 3, rmsRate: 0 }],
  ];
  it.each(BUILDS.flatMap((build) => cases.map(([name, params]) => [build, name, params] as const)))('%s build: %s', async (build, _name, params) => {
    const initial = shapes.map(([rows, cols = 1], i) => Float32Array.from(seededMatrix(rows, cols, 100 + i).flat(), (x) => x * 0.1));
    const gradients = [0, 1, 2].map((step) => shapes.map(([rows, cols = 1], i) => Float32Array.from(seededMatrix(rows, cols, 10 * step + i).flat())));
    const t = await kernels[build].createTrainer({ network, maxBatch: 1, runs: [{ optimizer: 'muon', hyperparameters: params }], initial });
    const steps = gradients.map((g) => {
      t.applyGradients(0, g);
      return t.weights(0);
    });
    for (const tensor of [0, 2, 4]) {
      const [rows, cols] = shapes[tensor];
      const matrix = (values: Float32Array) => Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
      const expected = muonMatrixReference(params, matrix(initial[tensor]), gradients.map((g) => matrix(g[tensor])));
      steps.forEach((w, step) => expect(normRelativeError(w[tensor], Float64Array.from(expected[step].flat())), `tensor ${tensor}, step ${step + 1}`).toBeLessThanOrEqual(1e-6));
      expect(normRelativeError(Float64Array.from(expected[2].flat()), initial[tensor]), `tensor ${tensor} moved`).toBeGreaterThan(1e-2);
    }
    t.dispose();
  });
});

describe('size checks', () => {
  const good = { network: oneLayer(128), maxBatch: 128, runs: [defaults('adam')], initial: initialWeights(1) };
  const withHidden = (hidden: number) => ({ ...good, network: oneLayer(hidden), initial: randomWeights(1, Math.max(1, Math.floor(hidden) || 1)) });
  const bad: [string, Parameters<Kernel['createTrainer']>[0], RegExp][] = [
    ['hidden 0', withHidden(0), /Hidden layer 1 width 0/],
    ['hidden 1025', withHidden(1025), /Hidden layer 1 width 1025 .* 1 to 1024/],
    ['hidden 2.5', withHidden(2.5), /Hidden layer 1 width 2.5/],
    ['batch 0', { ...good, maxBatch: 0 }, /Batch size 0/],
    ['batch 4097', { ...good, maxBatch: 4097 }, /Batch size 4097 .* 1 to 4096/],
    ['no runs', { ...good, runs: [] }, /0 optimizer runs/],
    ['65 runs', { ...good, runs: new Array(65).fill(defaults('sgd')) }, /65 optimizer runs/],
    ['weights of another width', { ...good, initial: randomWeights(1, 64) }, /Expected 4 weight arrays/],
    [
      'memory over the cap',
      { ...withHidden(1024), maxBatch: 4096, runs: new Array(40).fill({ optimizer: 'adam', hyperparameters: { ...optimizerDefaults('adam'), amsgrad: true } }) },
      /MiB of kernel memory, over the 512 MiB cap/,
    ],
  ];

  it.each(bad)('refuses %s before any wasm runs', async (_name, options, message) => {
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    await expect(kernels.simd.createTrainer(options)).rejects.toThrow(KernelSizeError);
    await expect(kernels.simd.createTrainer(options)).rejects.toThrow(message);
    expect(instantiate).not.toHaveBeenCalled();
  });

  it('accepts the largest sizes within the memory cap', () => {
    expect(() => checkTrainerOptions({ ...withHidden(1024), maxBatch: KERNEL_LIMITS.maxBatch, runs: OPTIMIZER_IDS.map(defaults) })).not.toThrow();
    expect(() => checkTrainerOptions({ ...withHidden(1), maxBatch: 1, runs: new Array(KERNEL_LIMITS.maxRuns).fill(defaults('sgd')) })).not.toThrow();
  });

  it('refuses batches, examples, labels and runs it cannot take', async () => {
    const t = await trainer('simd', [defaults('sgd')], { maxBatch: 16 });
    expect(() => t.trainStep(0)).toThrow(/setBatch first/);
    expect(() => t.setBatch(data.train.images, data.train.labels, firstBatch(17))).toThrow(KernelSizeError);
    expect(() => t.setBatch(data.train.images, data.train.labels, [])).toThrow(KernelSizeError);
    expect(() => t.setBatch(data.train.images, data.train.labels, [0, data.train.count])).toThrow(/outside the dataset/);
    expect(() => t.setBatch(data.train.images, data.train.labels, [0, 1.5])).toThrow(/outside the dataset/);
    const badLabels = data.train.labels.slice();
    badLabels[3] = 10;
    expect(() => t.setBatch(data.train.images, badLabels, [3])).toThrow(/not a digit/);
    expect(() => t.evaluate(0, data.train.images, badLabels, 0, 10)).toThrow(/not a digit/);
    expect(() => t.evaluate(0, data.test.images, data.test.labels, 990, 11)).toThrow(/outside the dataset/);
    expect(() => t.setBatch(data.train.images.subarray(1), data.train.labels, [0])).toThrow(/pixels/);
    t.setBatch(data.train.images, data.train.labels, firstBatch(16));
    expect(() => t.trainStep(1)).toThrow(RangeError);
    expect(() => t.weights(-1)).toThrow(RangeError);
    t.dispose();
    expect(() => t.trainStep(0)).toThrow(/disposed/);
  });
});

describe('non-finite values', () => {
  it.each(BUILDS)('%s build: NaN weights give a NaN loss, without throwing', async (build) => {
    const initial = initialWeights(1);
    initial[2][17] = Number.NaN;
    const t = await trainer(build, [defaults('adam'), defaults('sgd')], { initial });
    t.setBatch(data.train.images, data.train.labels, firstBatch());
    for (const run of [0, 1]) {
      const step = t.trainStep(run);
      expect(step.loss).toBeNaN();
      expect(step.correct).toBeGreaterThanOrEqual(0);
    }
    expect(t.evaluate(0, data.test.images, data.test.labels, 0, 200).lossSum).toBeNaN();
  });

  it.each(BUILDS)('%s build: an absurd learning rate ends in a non-finite loss, without throwing', async (build) => {
    const t = await trainer(build, [{ optimizer: 'sgd', hyperparameters: { ...optimizerDefaults('sgd'), learningRate: 1e30 } }]);
    const losses: number[] = [];
    for (let s = 0; s < 6; s++) {
      t.setBatch(data.train.images, data.train.labels, firstBatch(128, 128 * s));
      losses.push(t.trainStep(0).loss);
    }
    expect(Number.isFinite(losses[0])).toBe(true);
    expect(losses.some((l) => !Number.isFinite(l))).toBe(true);
    expect(t.evaluate(0, data.test.images, data.test.labels, 0, 100).lossSum).toBeNaN();
  });

  it('an infinite weight makes the loss NaN (softmax of inf - inf)', async () => {
    const initial = initialWeights(1);
    initial[3][4] = Number.POSITIVE_INFINITY;
    initial[3][5] = Number.POSITIVE_INFINITY;
    const t = await trainer('relaxed-simd', [defaults('rmsprop')], { initial });
    t.setBatch(data.train.images, data.train.labels, firstBatch());
    expect(t.trainStep(0).loss).toBeNaN();
  });
});

describe('first layer: sparse lists and dense loops agree', () => {
  const scenarios = [
    { name: 'real MNIST', split: () => data.train, autoDense: false },
    { name: 'dense synthetic', split: () => syntheticSplit(512, 0.7, 9), autoDense: true },
  ];
  it.each(BUILDS.flatMap((build) => scenarios.map((s) => [build, s.name, s] as const)))('%s build, %s', async (build, _name, scenario) => {
    const split = scenario.split();
    const runs = [defaults('adam'), { optimizer: 'sgd' as const, hyperparameters: { ...optimizerDefaults('sgd'), learningRate: 0.1, momentum: 0.9 } }];
    const modes: FirstLayerMode[] = ['auto', 'sparse', 'dense'];
    const trainers = await Promise.all(modes.map((firstLayer) => trainer(build, runs, { firstLayer, hidden: 40, maxBatch: 64 })));
    const losses = modes.map((): number[] => []);
    for (let s = 0; s < 8; s++) {
      trainers.forEach((t, m) => {
        t.setBatch(split.images, split.labels, firstBatch(64, 64 * s));
        expect(t.denseBatch).toBe(modes[m] === 'dense' || (modes[m] === 'auto' && scenario.autoDense));
        for (const run of [0, 1]) losses[m].push(t.trainStep(run).loss);
      });
    }
    const evaluations = trainers.map((t) => t.evaluate(0, split.images, split.labels, 0, 300));
    for (const m of [1, 2]) {
      losses[m].forEach((l, i) => expect(relativeError(l, losses[0][i])).toBeLessThanOrEqual(1e-6));
      for (const run of [0, 1]) trainers[m].weights(run).forEach((w, i) => expect(normRelativeError(w, trainers[0].weights(run)[i])).toBeLessThanOrEqual(1e-6));
      expect(relativeError(evaluations[m].lossSum, evaluations[0].lossSum)).toBeLessThanOrEqual(1e-6);
      expect(evaluations[m].correct).toBe(evaluations[0].correct);
    }
  });
});

describe('evaluation and bookkeeping', () => {
  it.each(BUILDS)('%s build: evaluation matches tfjs (loss sum and correct count over 1,000 test images)', async (build) => {
    const t = await trainer(build, [defaults('adam'), defaults('rmsprop')], { maxBatch: 96 });
    for (let s = 0; s < 5; s++) {
      t.setBatch(data.train.images, data.train.labels, firstBatch(96, 96 * s));
      t.trainStep(0);
      t.trainStep(1);
    }
    const [adam, rmsprop] = t.evaluateRuns([0, 1], data.test.images, data.test.labels, 0, 1000);
    for (const [run, result] of [[0, adam], [1, rmsprop]] as const) {
      const expected = tfjsEvaluate(t.weights(run), data.test);
      expect(relativeError(result.lossSum, expected.lossSum)).toBeLessThanOrEqual(1e-6);
      expect(result.correct).toBe(expected.correct);
      expect(t.evaluate(run, data.test.images, data.test.labels, 0, 1000)).toEqual(result);
    }
    // A sub-range: the sum of its parts.
    const first = t.evaluate(0, data.test.images, data.test.labels, 0, 400);
    const rest = t.evaluate(0, data.test.images, data.test.labels, 400, 600);
    expect(relativeError(first.lossSum + rest.lossSum, adam.lossSum)).toBeLessThan(1e-12);
    expect(first.correct + rest.correct).toBe(adam.correct);
    // Evaluation used the batch buffer: training needs a new batch.
    expect(() => t.trainStep(0)).toThrow(/setBatch first/);
  });

  it('reports the loss and accuracy from before the update', async () => {
    const t = await trainer('relaxed-simd', [defaults('adam')]);
    t.setBatch(data.train.images, data.train.labels, firstBatch());
    const forward = t.profileForward(0) / 128;
    const step = t.trainStep(0);
    expect(step.loss).toBe(forward);
    t.setBatch(data.train.images, data.train.labels, firstBatch());
    expect(t.trainStep(0).loss).toBeLessThan(step.loss);
  });

  it('keeps runs independent: a run trains to the same bits whichever others share the trainer', async () => {
    const alone = await trainer('relaxed-simd', [defaults('adam')]);
    const shared = await trainer('relaxed-simd', [defaults('sgd'), defaults('adagrad'), defaults('adam'), defaults('adadelta')]);
    for (let s = 0; s < 4; s++) {
      alone.setBatch(data.train.images, data.train.labels, firstBatch(128, 128 * s));
      shared.setBatch(data.train.images, data.train.labels, firstBatch(128, 128 * s));
      const expected = alone.trainStep(0);
      for (const run of [0, 1, 3]) shared.trainStep(run);
      expect(shared.trainStep(2)).toEqual(expected);
    }
    expect(shared.weights(2)).toEqual(alone.weights(0));
    expect(shared.steps(2)).toBe(4);
  });

  it('copies weights in and out in network.ts layout (padded width 37 -> 40)', async () => {
    const initial = randomWeights(3, 37);
    const t = await trainer('simd', [defaults('sgd'), defaults('adam')], { hidden: 37, initial });
    expect(t.weights(0)).toEqual(initial);
    expect(t.weights(1)).toEqual(initial);
    const copy = t.weights(1);
    copy[0][0] = 42;
    expect(t.weights(1)[0][0]).toBe(initial[0][0]);
  });

  it.each(BUILDS)('%s build: memory stays flat over many steps and evaluations, within the estimate', async (build) => {
    const runs = OPTIMIZER_IDS.map(defaults);
    const t = await trainer(build, runs);
    const before = t.memoryBytes;
    const variants = runs.map((r) => kernelVariant(r.optimizer, r.hyperparameters));
    const estimate = kernelMemoryBytes(oneLayer(128), 128, variants.map((v) => v.slots.length), variants.some((v) => v.variant.program.reductions.length > 0), variants.map((v) => v.matrix));
    expect(before).toBeLessThanOrEqual(Math.ceil(estimate / 65536) * 65536);
    expect(before).toBeGreaterThan(estimate - 64 * 1024 - 65536);
    for (let s = 0; s < 40; s++) {
      t.setBatch(data.train.images, data.train.labels, firstBatch(128, (128 * s) % 896));
      runs.forEach((_, run) => t.trainStep(run));
      expect(t.memoryBytes).toBe(before);
    }
    t.evaluateRuns(runs.map((_, run) => run), data.test.images, data.test.labels, 0, 1000);
    expect(t.memoryBytes).toBe(before);
  });
});
