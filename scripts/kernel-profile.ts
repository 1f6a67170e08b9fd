/**
 * `npm run kernel-profile`: one epoch of full MNIST (60,000 training images, batch
 * 128, shuffled as the trainer shuffles) for each optimizer (all of them, or --optimizers) at Keras
 * defaults, plus evaluation on the 10,000 test images, with the wasm kernel (both
 * builds), on one core. Then the same work through tfjs-backend-wasm with the
 * hand-written dense gradients (what the app's wasm backend runs today) as the
 * baseline, in the same process.
 *
 * Prints samples/s per optimizer, seconds for all of them, and per-phase timings. The
 * phases come from a second, instrumented epoch: per batch, the kernel's
 * forward-only and forward+backward entry points run before the real step, so
 * backward = (forward+backward) - forward and update = step - (forward+backward);
 * the timed epoch itself calls only what the app would.
 *
 * Options: --seed N (default 1), --tfjs-batches N (batches per optimizer for the
 * baseline, default 40; the figure is per sample, so a part of the epoch suffices;
 * 0 skips it), --builds simd,relaxed-simd, --optimizers sgd,adam,... (default: all;
 * `--optimizers sgd,adam,adagrad,adadelta,rmsprop` is the five the speed figures in
 * docs/KERNEL.md were measured with), --network WIDTHS:ACTIVATION (default the
 * article's 128:relu; e.g. 256,256:tanh, or none:relu for no hidden layer; the tfjs
 * baseline trains the same network).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { cpus } from 'node:os';
import type { MnistData } from '../src/data/shardLoader';
import { isActivation, type NetworkSettings } from '../src/experiment/network';
import { isOptimizerId, OPTIMIZER_IDS as ALL_OPTIMIZERS, optimizerDefaults, OPTIMIZERS } from '../src/experiment/optimizers';
import { enableRelaxedSimdInNode, loadKernel } from '../src/testing/kernelNode';
import { loadRealMnist } from '../src/testing/realMnist';
import { gatherBatch, toTensors } from '../src/train/batches';
import { denseLossAndGradients } from '../src/train/denseGradients';
import { countCorrect, crossEntropySum, initialWeights, parameterShapes, predict } from '../src/train/network';
import { applyStep, UPDATE_RULES } from '../src/train/optimizers';
import { createRandom, RandomStream, shuffledIndices } from '../src/train/random';
import type { KernelBuild, KernelTrainer } from '../src/train/kernel/kernel';

enableRelaxedSimdInNode();

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const SEED = Number(option('--seed', '1'));
const TFJS_BATCHES = Number(option('--tfjs-batches', '40'));
const BUILDS = option('--builds', 'simd,relaxed-simd').split(',') as KernelBuild[];
const OPTIMIZER_IDS = option('--optimizers', ALL_OPTIMIZERS.join(',')).split(',').filter(isOptimizerId);
const COUNT = `${OPTIMIZER_IDS.length}`;
const NETWORK = ((spec: string): NetworkSettings => {
  const [widths, activation = 'relu'] = spec.split(':');
  if (!isActivation(activation)) throw new Error(`--network: unknown activation ${activation}`);
  return { hiddenLayers: widths === 'none' || widths === '' ? [] : widths.split(',').map(Number), activation };
})(option('--network', '128:relu'));
const SHAPES = parameterShapes(NETWORK);
const BATCH = 128;
const TRAIN = 60_000;
const TEST = 10_000;

const now = () => performance.now() / 1000;
const labels = OPTIMIZER_IDS.map((id) => OPTIMIZERS[id].label);
const rate = (samples: number, seconds: number) => Math.round(samples / seconds).toLocaleString('en-US').padStart(9);
const ms = (seconds: number) => (seconds * 1000).toFixed(0).padStart(6);

function batches(): Uint32Array[] {
  const order = shuffledIndices(TRAIN, createRandom(SEED, RandomStream.shuffle));
  const out: Uint32Array[] = [];
  for (let start = 0; start < TRAIN; start += BATCH) out.push(order.subarray(start, Math.min(start + BATCH, TRAIN)));
  return out;
}

async function createTrainer(build: KernelBuild): Promise<KernelTrainer> {
  const kernel = await loadKernel(build);
  return kernel.createTrainer({
    network: NETWORK,
    maxBatch: BATCH,
    runs: OPTIMIZER_IDS.map((optimizer) => ({ optimizer, hyperparameters: optimizerDefaults(optimizer) })),
    initial: initialWeights(SEED, NETWORK),
  });
}

/** The epoch as the app would run it: per batch, gather once, then one step per optimizer; then evaluation. */
async function kernelEpoch(build: KernelBuild, data: MnistData) {
  const trainer = await createTrainer(build);
  const runs = OPTIMIZER_IDS.length;
  const train = new Array<number>(runs).fill(0);
  const evaluation = new Array<number>(runs).fill(0);
  const last = new Array<number>(runs).fill(0);
  let gather = 0;
  const started = now();
  for (const indices of batches()) {
    let t = now();
    trainer.setBatch(data.train.images, data.train.labels, indices);
    gather += now() - t;
    for (let run = 0; run < runs; run++) {
      t = now();
      last[run] = trainer.trainStep(run).loss;
      train[run] += now() - t;
    }
  }
  const accuracy: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t = now();
    const { correct } = trainer.evaluate(run, data.test.images, data.test.labels, 0, TEST);
    evaluation[run] = now() - t;
    accuracy.push(correct / TEST);
  }
  const total = now() - started;
  trainer.dispose();
  return { train, evaluation, gather, total, accuracy, last };
}

/** A second epoch with the profiling entry points, for the per-phase split. */
async function kernelPhases(build: KernelBuild, data: MnistData) {
  const trainer = await createTrainer(build);
  const runs = OPTIMIZER_IDS.length;
  const phases = { gather: 0, forward: 0, backward: 0, update: 0, evaluation: 0 };
  for (const indices of batches()) {
    let t = now();
    trainer.setBatch(data.train.images, data.train.labels, indices);
    phases.gather += now() - t;
    for (let run = 0; run < runs; run++) {
      t = now();
      trainer.profileForward(run);
      const forward = now() - t;
      t = now();
      trainer.profileGradients(run);
      const gradients = now() - t;
      t = now();
      trainer.trainStep(run);
      const step = now() - t;
      phases.forward += forward;
      phases.backward += gradients - forward;
      phases.update += step - gradients;
    }
  }
  const t = now();
  trainer.evaluateRuns(OPTIMIZER_IDS.map((_, run) => run), data.test.images, data.test.labels, 0, TEST);
  phases.evaluation = now() - t;
  trainer.dispose();
  return phases;
}

/** The baseline: tfjs-backend-wasm, hand-written dense gradients and the tfjs update rules, as trainer.ts runs them. */
async function tfjsBaseline(data: MnistData) {
  await tf.setBackend('wasm');
  await tf.ready();
  const order = batches().slice(0, TFJS_BATCHES);
  const samples = order.reduce((n, b) => n + b.length, 0);
  const testChunks = Array.from({ length: TEST / 1000 }, (_, c) => toTensors(gatherBatch(data.test, Array.from({ length: 1000 }, (_, i) => c * 1000 + i))));
  const results: { id: string; train: number; gather: number; evaluation: number }[] = [];
  // The first optimizer would otherwise pay tfjs's warm-up (kernel set-up, first allocations).
  for (const id of ['warm-up', ...OPTIMIZER_IDS] as const) {
    const params = optimizerDefaults(id === 'warm-up' ? 'adam' : id);
    const rule = UPDATE_RULES[id === 'warm-up' ? 'adam' : id];
    const weights = initialWeights(SEED, NETWORK).map((values, i) => tf.variable(tf.tensor(values, SHAPES[i].shape)));
    const slots = SHAPES.map(({ shape }) => Object.fromEntries(Object.entries(rule.slots(params)).map(([k, v]) => [k, tf.variable(tf.fill(shape, v))])));
    let train = 0;
    let gather = 0;
    const pending: tf.Tensor[] = [];
    for (let step = 1; step <= order.length; step++) {
      let t = now();
      const batch = toTensors(gatherBatch(data.train, order[step - 1]));
      gather += now() - t;
      t = now();
      pending.push(
        tf.tidy(() => {
          const { loss, correct, gradients } = denseLossAndGradients(weights, batch.images, batch.oneHot, batch.labels, NETWORK.activation);
          const next = applyStep(rule, weights, gradients, slots, step, params);
          weights.forEach((w, i) => {
            w.assign(next.weights[i]);
            for (const [name, slot] of Object.entries(next.slots[i])) slots[i][name].assign(slot);
          });
          return tf.stack([loss, correct]);
        }),
      );
      train += now() - t;
      tf.dispose([batch.images, batch.oneHot, batch.labels]);
    }
    let t = now();
    await tf.concat(pending).data();
    train += now() - t;
    t = now();
    const evaluated = tf.tidy(() => {
      let loss: tf.Tensor = tf.scalar(0);
      let correct: tf.Tensor = tf.scalar(0);
      for (const chunk of testChunks) {
        const p = predict(weights, chunk.images, NETWORK.activation);
        loss = tf.add(loss, crossEntropySum(p, chunk.oneHot));
        correct = tf.add(correct, countCorrect(p, chunk.labels));
      }
      return tf.stack([loss, correct]);
    });
    await evaluated.data();
    const evaluation = now() - t;
    tf.dispose([evaluated, ...pending, ...weights, ...slots.flatMap((s) => Object.values(s))]);
    if (id !== 'warm-up') results.push({ id, train: (train / samples) * TRAIN, gather: (gather / samples) * TRAIN, evaluation });
  }
  for (const chunk of testChunks) tf.dispose([chunk.images, chunk.oneHot, chunk.labels]);
  return { results, samples };
}

function printPhases(title: string, p: { gather: number; forward: number; backward: number; update: number; evaluation: number }) {
  const steps = Math.ceil(TRAIN / BATCH) * OPTIMIZER_IDS.length;
  console.log(`  ${title}`);
  console.log(`    gather + sparse index build  ${ms(p.gather)} ms per epoch (shared by the ${COUNT} runs; ${((p.gather / Math.ceil(TRAIN / BATCH)) * 1e6).toFixed(0)} us per batch)`);
  console.log(`    forward                      ${ms(p.forward)} ms (${((p.forward / steps) * 1e6).toFixed(0)} us per step)`);
  console.log(`    backward                     ${ms(p.backward)} ms (${((p.backward / steps) * 1e6).toFixed(0)} us per step)`);
  console.log(`    update                       ${ms(p.update)} ms (${((p.update / steps) * 1e6).toFixed(0)} us per step)`);
  console.log(`    evaluation, 10,000 images    ${ms(p.evaluation)} ms for all ${COUNT} (${ms(p.evaluation / OPTIMIZER_IDS.length)} ms each)`);
}

async function main() {
  const loadStarted = now();
  const data = loadRealMnist(TRAIN, TEST);
  console.log(`Machine: ${process.platform} ${process.arch}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.versions.node} (V8 ${process.versions.v8}); one core used.`);
  console.log(`Workload: one epoch of ${TRAIN.toLocaleString('en-US')} MNIST images, batch ${BATCH}, seed ${SEED}, network 784-${[...NETWORK.hiddenLayers, 10].join('-')} (${NETWORK.activation}), each optimizer at Keras defaults; evaluation on ${TEST.toLocaleString('en-US')} test images. Data loaded in ${(now() - loadStarted).toFixed(1)} s.\n`);

  for (const build of BUILDS) {
    await kernelEpoch(build, data); // warm-up: compile tiers, page in the data
    const e = await kernelEpoch(build, data);
    console.log(`wasm kernel, ${build} build: all ${COUNT} optimizers, one epoch + evaluation: ${e.total.toFixed(2)} s (${rate(TRAIN * OPTIMIZER_IDS.length, e.total).trim()} samples/s over the ${COUNT})`);
    console.log('  optimizer | train samples/s | incl. gather share + evaluation | test acc');
    OPTIMIZER_IDS.forEach((_, run) => {
      const all = e.train[run] + e.gather / OPTIMIZER_IDS.length + e.evaluation[run];
      console.log(`  ${labels[run].padEnd(9)} | ${rate(TRAIN, e.train[run]).padStart(15)} | ${rate(TRAIN, all).padStart(31)} | ${(e.accuracy[run] * 100).toFixed(2)} %`);
    });
    printPhases('per phase (instrumented epoch):', await kernelPhases(build, data));
    console.log('');
  }

  if (TFJS_BATCHES > 0) {
    const { results, samples } = await tfjsBaseline(data);
    const total = results.reduce((s, r) => s + r.train + r.gather + r.evaluation, 0);
    console.log(`tfjs-backend-wasm baseline (hand-written dense gradients), ${TFJS_BATCHES} batches (${samples} samples) per optimizer, scaled to the epoch:`);
    console.log(`  all ${COUNT} optimizers, one epoch + evaluation: ${total.toFixed(2)} s (estimated)`);
    console.log('  optimizer | train samples/s | incl. gather + evaluation | evaluation s');
    results.forEach((r, i) => console.log(`  ${labels[i].padEnd(9)} | ${rate(TRAIN, r.train).padStart(15)} | ${rate(TRAIN, r.train + r.gather + r.evaluation).padStart(25)} | ${r.evaluation.toFixed(2)}`));
  }
}

main().catch((error: unknown) => {
  console.error(`kernel-profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
