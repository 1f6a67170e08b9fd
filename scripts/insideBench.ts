/**
 * The cost of "Inside the optimizers" on the wasm kernel (part of `npm run bench`; alone:
 * `npx tsx scripts/insideBench.ts [--epochs N]`). Two trainers of the article network
 * with the article's five optimizers at Keras defaults, built alike, train the same
 * batches of full MNIST side by side, batch by batch in turns (so the machine's other
 * work falls on both alike): one plainly, one sampled as the app samples at its most
 * frequent (the first step after every read-back, and read-backs at least
 * MIN_PROGRESS_PER_EPOCH times an epoch: every 24th batch of 469; a run reads back
 * every 200 ms at most, so it samples at most this often). On a shared machine the
 * totals swing by ±15 % from run to run whatever is measured, so the figure is built from
 * medians of per-batch ratios (each batch timed on both trainers back to back): the
 * sampled batches' median ratio and the others', weighted by how many there are. Reports
 * that (goal ≤ 1.10), the totals' ratio, and what one sampled step costs against a plain one.
 */
import { median } from './chartBench';
import { ARTICLE_OPTIMIZERS } from '../src/experiment/contestants';
import { articleNetwork } from '../src/experiment/network';
import { optimizerDefaults } from '../src/experiment/optimizers';
import { enableRelaxedSimdInNode, loadKernel } from '../src/testing/kernelNode';
import { loadRealMnist } from '../src/testing/realMnist';
import { batchRanges } from '../src/train/batches';
import { supportsRelaxedSimd, type KernelTrainer } from '../src/train/kernel/kernel';
import { initialWeights } from '../src/train/network';
import { createRandom, RandomStream, shuffledIndices } from '../src/train/random';
import { MIN_PROGRESS_PER_EPOCH } from '../src/train/trainer';

export interface InsideOverhead {
  /** Instrumented run's step time / plain run's, from the medians of per-batch ratios. */
  ratio: number;
  /** The same from the totals (noisy on a shared machine). */
  totalRatio: number;
  /** Median over sampled batches of instrumented / plain time. */
  sampledStepRatio: number;
  /** Median over the other batches (1 but for noise: the same code runs). */
  plainStepRatio: number;
  plainStepUs: number;
  sampledStepUs: number;
  /** One sampled step in how many. */
  sampleEvery: number;
  build: string;
}

const BATCH = 128;
const TRAIN = 60_000;

export async function measureInsideOverhead(epochs = 1): Promise<InsideOverhead> {
  enableRelaxedSimdInNode();
  const build = supportsRelaxedSimd() ? 'relaxed-simd' : 'simd';
  const kernel = await loadKernel(build);
  const data = loadRealMnist(TRAIN, 1);
  const network = articleNetwork();
  const initial = initialWeights(1, network);
  const runs = ARTICLE_OPTIMIZERS.map((optimizer) => ({ optimizer, hyperparameters: optimizerDefaults(optimizer) }));
  const make = () => kernel.createTrainer({ network, maxBatch: 256, runs, initial });
  const [plain, instrumented]: KernelTrainer[] = [await make(), await make()];
  const batches = Math.ceil(TRAIN / BATCH);
  const sampleEvery = Math.ceil(batches / MIN_PROGRESS_PER_EPOCH);
  const shuffle = createRandom(1, RandomStream.shuffle);
  let plainMs = 0;
  let instrumentedMs = 0;
  let sampledMs = 0;
  let sampledSteps = 0;
  const sampledRatios: number[] = [];
  const otherRatios: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    let batch = 0;
    for (const indices of batchRanges(shuffledIndices(TRAIN, shuffle), BATCH)) {
      const sample = batch % sampleEvery === 0;
      batch += 1;
      // Alternate which goes first, so neither always finds the caches warm.
      const order = batch % 2 ? [plain, instrumented] : [instrumented, plain];
      const ms = new Map<KernelTrainer, number>();
      for (const trainer of order) {
        trainer.setBatch(data.train.images, data.train.labels, indices);
        const started = performance.now();
        for (let run = 0; run < runs.length; run++) {
          if (trainer === instrumented && sample) trainer.trainSampledStep(run);
          else trainer.trainStep(run);
        }
        ms.set(trainer, performance.now() - started);
      }
      plainMs += ms.get(plain)!;
      instrumentedMs += ms.get(instrumented)!;
      (sample ? sampledRatios : otherRatios).push(ms.get(instrumented)! / ms.get(plain)!);
      if (sample) {
        sampledMs += ms.get(instrumented)!;
        sampledSteps += runs.length;
      }
    }
  }
  const steps = epochs * batches * runs.length;
  const plainStepUs = (plainMs / steps) * 1000;
  const sampledStepUs = (sampledMs / sampledSteps) * 1000;
  plain.dispose();
  instrumented.dispose();
  const sampledStepRatio = median(sampledRatios);
  const plainStepRatio = median(otherRatios);
  const ratio = (sampledRatios.length * sampledStepRatio + otherRatios.length * plainStepRatio) / (sampledRatios.length + otherRatios.length);
  return { ratio, totalRatio: instrumentedMs / plainMs, sampledStepRatio, plainStepRatio, plainStepUs, sampledStepUs, sampleEvery, build };
}

export function describeInsideOverhead(r: InsideOverhead): string {
  return (
    `Inside the optimizers on the kernel (${r.build}, Node, the article's five, one sampled step in ${r.sampleEvery}, side by side with a plain run): ` +
    `${r.ratio.toFixed(3)}x the plain run's step time (goal ≤ 1.10; medians of per-batch ratios: sampled batches ${r.sampledStepRatio.toFixed(2)}x, ` +
    `the others ${r.plainStepRatio.toFixed(3)}x; from the totals ${r.totalRatio.toFixed(3)}x); a sampled step ${r.sampledStepUs.toFixed(0)} us, a plain one ${r.plainStepUs.toFixed(0)} us on average.`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--epochs');
  measureInsideOverhead(i >= 0 ? Number(process.argv[i + 1]) : 1).then((r) => {
    console.log(describeInsideOverhead(r));
    console.log(JSON.stringify(r));
  });
}
