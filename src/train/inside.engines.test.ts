/**
 * "Inside the optimizers" on real MNIST: both engines' sampled figures agree, they
 * are what their definitions say (the kernel's gradient norm against the tfjs
 * engine's hand-written gradients), and the article's two puzzles show in them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../experiment/config';
import type { MnistData } from '../data/shardLoader';
import { insideSlots, layerFigures, updateRatio, type InsideSample } from '../experiment/optimizerInsides';
import { optimizerDefaults, OPTIMIZER_IDS, type OptimizerId } from '../experiment/optimizers';
import type { ParameterValues } from '../experiment/parameters';
import { experimentWith, type ExperimentOverrides } from '../testing/experiments';
import { loadKernel } from '../testing/kernelNode';
import { loadRealMnist } from '../testing/realMnist';
import { useTfjsWasm } from '../testing/tfjsWasm';
import type { EngineFactory } from './engine';
import { kernelEngine } from './kernelEngine';
import { initialWeights } from './network';
import { trainExperiment, type TrainingProgress } from './trainer';

let data: MnistData;
let kernel: EngineFactory;
beforeAll(async () => {
  await useTfjsWasm();
  data = loadRealMnist(12800, 300);
  kernel = kernelEngine(await loadKernel('simd'));
});

const neverStop = { stopRequested: () => false, yieldToEventLoop: async () => {} };

/** Every sample of every training, in order, by training id. */
async function samples(cfg: ExperimentConfig, engine?: EngineFactory, minProgressPerEpoch = 20): Promise<Record<string, InsideSample[]>> {
  const progress: TrainingProgress[] = [];
  await trainExperiment(data, cfg, { runStatus: () => {}, epochEnd: () => {}, progress: (p) => progress.push(p) }, neverStop, {
    engine,
    readbackIntervalMs: 1e9,
    minProgressPerEpoch,
  });
  const byId: Record<string, InsideSample[]> = {};
  for (const p of progress) for (const [id, sample] of Object.entries(p.inside ?? {})) (byId[id] ??= []).push(sample);
  return byId;
}

function config(overrides: ExperimentOverrides, contestants?: { optimizer: OptimizerId; hyperparameters: ParameterValues }[]): ExperimentConfig {
  const cfg = experimentWith({ trainExamples: 1000, batchSize: 100, epochs: 1, ...overrides });
  if (!contestants) return cfg;
  return { ...cfg, contestants: contestants.map((c, i) => ({ ...c, ordinal: 1 + contestants.slice(0, i).filter((d) => d.optimizer === c.optimizer).length, selected: true })) };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);

describe('both engines measure the same insides', () => {
  // Every optimizer at its defaults, and the variants whose slots differ (momentum, AMSGrad, centered).
  const contestants = [
    ...OPTIMIZER_IDS.map((optimizer) => ({ optimizer, hyperparameters: optimizerDefaults(optimizer) })),
    { optimizer: 'sgd' as const, hyperparameters: { ...optimizerDefaults('sgd'), momentum: 0.9 } },
    { optimizer: 'adam' as const, hyperparameters: { ...optimizerDefaults('adam'), amsgrad: true } },
    { optimizer: 'rmsprop' as const, hyperparameters: { ...optimizerDefaults('rmsprop'), momentum: 0.9, centered: true } },
  ];

  /**
   * tfjs sums the 100,000 terms of a layer in float32, the kernel's host in double: 1e-5 to
   * 4e-4 apart (worst seen 4.2e-4, Adagrad's mean accumulator). Lion's sign() turns the
   * engines' float32 differences in near-zero momenta into whole steps of lr: its trajectories
   * part a little (worst seen 3.2e-3, its update norm at step 7).
   */
  const TOLERANCE = 1e-3;
  const LION_TOLERANCE = 1e-2;

  const deeper = [
    { optimizer: 'adam' as const, hyperparameters: { ...optimizerDefaults('adam'), clipNorm: 0.05, weightDecay: 0.01 } },
    { optimizer: 'sgd' as const, hyperparameters: { ...optimizerDefaults('sgd'), momentum: 0.9, globalClipNorm: 0.1 } },
    { optimizer: 'adagrad' as const, hyperparameters: { ...optimizerDefaults('adagrad'), clipValue: 0.001 } },
  ];
  const cases = [
    { name: 'every optimizer and variant, the article network', hiddenLayers: [128], runs: [contestants.slice(0, 7), contestants.slice(7)] },
    // Three hidden layers (every tensor index of the kernel), clipping (the norm is before it) and weight decay.
    { name: 'hidden 24-12-8 tanh, clipped and decayed', hiddenLayers: [24, 12, 8], runs: [deeper] },
  ];

  it.each(cases)('$name: on the kernel and on tfjs, every figure of every sampled step within 1e-3 relative', async ({ hiddenLayers, runs }) => {
    let worst = 0;
    // At most 12 contestants train at once: several runs.
    for (const group of runs) {
      const base = config({ trainExamples: 1000, batchSize: 100 }, group);
      const cfg = { ...base, network: { ...base.network, hiddenLayers, activation: hiddenLayers.length > 1 ? ('tanh' as const) : base.network.activation } };
      const [onKernel, onTfjs] = [await samples(cfg, kernel, 5), await samples(cfg, undefined, 5)];
      expect(Object.keys(onKernel).sort()).toEqual(Object.keys(onTfjs).sort());
      expect(Object.keys(onKernel)).toHaveLength(group.length);
      for (const [id, kernelSamples] of Object.entries(onKernel)) {
        // 10 batches, a read-back every 2nd: steps 1, 3, 5, 7, 9 sampled.
        expect(kernelSamples.map((s) => s.position)).toEqual([0.1, 0.3, 0.5, 0.7, 0.9]);
        kernelSamples.forEach((k, i) => {
          const t = onTfjs[id][i];
          // tfjs carries it in a float32 tensor with the rest.
          expect(Math.fround(k.learningRate)).toBe(t.learningRate);
          expect(k.layers).toHaveLength(hiddenLayers.length + 1);
          k.layers.forEach((layer, l) => {
            const other = t.layers[l];
            const pairs: [number, number][] = [[layer.gradientNorm, other.gradientNorm], [layer.updateNorm, other.updateNorm], [layer.weightNorm, other.weightNorm], ...layer.slots.map((s, j): [number, number] => [s, other.slots[j]])];
            expect(layer.slots.length).toBe(other.slots.length);
            pairs.forEach(([a, b], j) => {
              expect(Number.isFinite(a)).toBe(true);
              const limit = id === 'lion' ? LION_TOLERANCE : TOLERANCE;
              expect(relative(a, b), `${id} sample ${i} layer ${l} figure ${j}`).toBeLessThan(limit);
              if (id !== 'lion') worst = Math.max(worst, relative(a, b));
            });
            expect(layer.gradientNorm).toBeGreaterThan(0);
            expect(layer.updateNorm).toBeGreaterThan(0);
          });
        });
      }
    }
    expect(worst).toBeLessThan(TOLERANCE);
  }, 120_000);
});

describe('the kernel against the float64 definitions', () => {
  it.each([
    { hiddenLayers: [128], activation: 'relu' as const },
    // Widths not a multiple of 4 (padded rows and columns, whose slots hold their initial value) and the transposed output kernel.
    { hiddenLayers: [13, 9], activation: 'sigmoid' as const },
  ])('$hiddenLayers: norms and slot summaries of a sampled step equal layerFigures of the weights and slots read out', async (network) => {
    const runs = [
      { optimizer: 'adagrad' as const, hyperparameters: optimizerDefaults('adagrad') },
      { optimizer: 'rmsprop' as const, hyperparameters: { ...optimizerDefaults('rmsprop'), momentum: 0.9, centered: true } },
      { optimizer: 'adam' as const, hyperparameters: { ...optimizerDefaults('adam'), amsgrad: true } },
    ];
    const trainer = await (await loadKernel('simd')).createTrainer({ network, maxBatch: 128, runs, initial: initialWeights(3, network) });
    for (let step = 0; step < 3; step++) {
      trainer.setBatch(data.train.images, data.train.labels, Array.from({ length: 128 }, (_, i) => 128 * step + i));
      runs.forEach((spec, run) => {
        const before = trainer.weights(run);
        const { inside } = trainer.trainSampledStep(run);
        const slots = insideSlots(spec.optimizer, spec.hyperparameters).map(({ summary }, s) => ({ summary, values: trainer.slotValues(run, s) }));
        // The gradient norms are the kernel's own (checked against tfjs above); the rest from the copies, in float64.
        const squares = inside.layers.flatMap((l) => [l.gradientNorm ** 2, 0]);
        const expected = layerFigures(before, trainer.weights(run), squares, slots);
        inside.layers.forEach((layer, l) => {
          expect(relative(layer.weightNorm, expected[l].weightNorm)).toBeLessThan(1e-6);
          expect(relative(layer.updateNorm, expected[l].updateNorm)).toBeLessThan(1e-6);
          layer.slots.forEach((value, s) => expect(relative(value, expected[l].slots[s]), `${spec.optimizer} layer ${l} slot ${s}`).toBeLessThan(1e-6));
        });
      });
    }
    trainer.dispose();
  });
});

describe('sampling changes nothing', () => {
  it.each(['kernel', 'tfjs'] as const)('on the %s, a run with samples ends with the bits of a run without', async (engine) => {
    const cfg = config({ optimizers: ['sgd', 'adam', 'adadelta'], trainExamples: 1000, batchSize: 100 });
    const final = async (inside: boolean) => {
      const weights: Record<string, Float32Array[]> = {};
      const losses: number[] = [];
      await trainExperiment(
        data,
        cfg,
        { runStatus: () => {}, epochEnd: (_, m) => losses.push(m.trainLoss, m.testLoss), progress: () => {}, finalWeights: (id, w) => (weights[id] = w) },
        neverStop,
        { engine: engine === 'kernel' ? kernel : undefined, readbackIntervalMs: 1e9, minProgressPerEpoch: 5, inside },
      );
      return { weights, losses };
    };
    const [sampled, plain] = [await final(true), await final(false)];
    expect(sampled.losses).toEqual(plain.losses);
    expect(sampled.weights).toEqual(plain.weights);
  }, 60_000);
});

describe("the article's two puzzles, on the kernel", () => {
  // 12,800 examples in batches of 128: 100 steps an epoch, three epochs.
  const ratios = (list: InsideSample[], layer = 0) => list.map((s) => updateRatio(s.layers[layer]));
  let inside: Record<string, InsideSample[]>;
  beforeAll(async () => {
    const cfg = config({ trainExamples: 12800, batchSize: 128, epochs: 3 }, [
      { optimizer: 'adam', hyperparameters: optimizerDefaults('adam') },
      { optimizer: 'adadelta', hyperparameters: optimizerDefaults('adadelta') },
      { optimizer: 'adadelta', hyperparameters: { ...optimizerDefaults('adadelta'), learningRate: 1 } },
      { optimizer: 'adagrad', hyperparameters: optimizerDefaults('adagrad') },
    ]);
    inside = await samples(cfg, kernel);
  }, 120_000);

  it("Adadelta's update-to-weight ratio sits about three orders of magnitude below Adam's at Keras defaults", () => {
    const adam = ratios(inside.adam);
    const adadelta = ratios(inside.adadelta);
    expect(adam).toHaveLength(60);
    // Every sample, both layers: at least 100× apart; the median gap about 1,000×.
    for (const layer of [0, 1]) {
      const gaps = ratios(inside.adam, layer).map((r, i) => r / ratios(inside.adadelta, layer)[i]);
      expect(Math.min(...gaps)).toBeGreaterThan(100);
    }
    // At the start three orders of magnitude (Adam's first step is about lr per weight); measured 950× falling to about 200× by the third epoch.
    expect(adam[0] / adadelta[0]).toBeGreaterThan(500);
  });

  it('and rises at lr 1.0 (the published method) by the factor of 1,000', () => {
    const atDefault = ratios(inside.adadelta);
    const atOne = ratios(inside.adadelta2);
    atOne.forEach((r, i) => expect(r / atDefault[i]).toBeGreaterThan(100));
    // The first step is exactly lr × the same direction: the ratio scales by 1,000.
    expect(relative(atOne[0] / atDefault[0], 1000)).toBeLessThan(1e-3);
  });

  it("Adagrad's shrinks as its accumulator grows", () => {
    const adagrad = inside.adagrad;
    const accumulator = adagrad.map((s) => s.layers[0].slots[0]);
    // The accumulator only grows, and the ratio falls epoch on epoch in both layers (measured over
    // these 300 steps: 2.7e-4 to 2.0e-4 in the first layer, 3.9e-4 to 2.2e-4 in the output layer).
    accumulator.slice(1).forEach((a, i) => expect(a).toBeGreaterThanOrEqual(accumulator[i]));
    for (const layer of [0, 1]) {
      const ratio = ratios(adagrad, layer);
      const epochMeans = [0, 1, 2].map((e) => ratio.slice(20 * e, 20 * e + 20).reduce((a, b) => a + b, 0) / 20);
      expect(epochMeans[1]).toBeLessThan(epochMeans[0]);
      expect(epochMeans[2]).toBeLessThan(epochMeans[1]);
      expect(ratio[ratio.length - 1]).toBeLessThan(0.85 * ratio[0]);
    }
  });

  it('reports the learning rate after the schedule', async () => {
    const cfg = config({ trainExamples: 1000, batchSize: 100, epochs: 1 }, [{ optimizer: 'sgd', hyperparameters: optimizerDefaults('sgd') }]);
    const scheduled: ExperimentConfig = { ...cfg, contestants: cfg.contestants.map((c) => ({ ...c, schedule: { kind: 'exponential', values: { decaySteps: 1, decayRate: 0.5, staircase: false } } })) };
    const list = (await samples(scheduled, kernel, 5)).sgd;
    // Step t runs at 0.01 × 0.5^(t − 1): steps 1, 3, 5, 7, 9.
    list.forEach((s, i) => expect(s.learningRate).toBeCloseTo(0.01 * 0.5 ** (2 * i), 12));
  });
});
