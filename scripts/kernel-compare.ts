/**
 * `npx tsx scripts/kernel-compare.ts --baseline DIR`: this tree's wasm kernel against
 * another commit's, side by side in one process, on the article network (784-128-10
 * ReLU): one epoch of full MNIST per pass, batch 128, the five optimizers at Keras
 * defaults. Batch by batch the two trainers take turns (gather + five steps each,
 * the order alternating), so the machine's noise falls on both alike; each side's
 * CPU time (process.cpuUsage, which a busy machine inflates far less than the
 * clock) and wall time are summed, and the median of the per-batch ratios printed.
 * Also checks that both give the same losses and the same weights, bit for bit.
 *
 * DIR holds the other commit's tree with its kernel built, e.g.
 *   mkdir /tmp/base && git archive main src scripts package.json tsconfig.json | tar -x -C /tmp/base
 *   ln -s "$PWD/node_modules" /tmp/base/node_modules && (cd /tmp/base && npx tsx scripts/build-kernel.ts)
 * Options: --builds simd,relaxed-simd, --passes N (default 3, after one warm-up pass).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { articleNetwork } from '../src/experiment/network';
import { OPTIMIZER_IDS, optimizerDefaults } from '../src/experiment/optimizers';
import { enableRelaxedSimdInNode, kernelBytes } from '../src/testing/kernelNode';
import { loadRealMnist } from '../src/testing/realMnist';
import { instantiateKernel, type KernelBuild, type KernelTrainer } from '../src/train/kernel/kernel';
import { initialWeights } from '../src/train/network';
import { createRandom, RandomStream, shuffledIndices } from '../src/train/random';

enableRelaxedSimdInNode();

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const BASELINE = option('--baseline', '');
const BUILDS = option('--builds', 'relaxed-simd,simd').split(',') as KernelBuild[];
const PASSES = Number(option('--passes', '3'));
const TRAIN = 60_000;
const BATCH = 128;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  if (!BASELINE) throw new Error('--baseline DIR is required (a tree of the other commit with its kernel built; see the header).');
  // The baseline's own wrapper: before the network setting it took `hidden`, since then `network`; it ignores the other.
  const base = (await import(pathToFileURL(join(BASELINE, 'src/train/kernel/kernel.ts')).href)) as typeof import('../src/train/kernel/kernel');
  const data = loadRealMnist(TRAIN, 0);
  const runs = OPTIMIZER_IDS.map((optimizer) => ({ optimizer, hyperparameters: optimizerDefaults(optimizer) }));
  const options = { network: articleNetwork(), hidden: 128, maxBatch: BATCH, runs, initial: initialWeights(1) };
  console.log(`Baseline ${BASELINE} against this tree, article network, ${TRAIN.toLocaleString('en-US')} images per pass, batch ${BATCH}, five optimizers.`);
  for (const build of BUILDS) {
    const baseline: KernelTrainer = await (await base.instantiateKernel(readFileSync(join(BASELINE, `src/train/kernel/build/kernel-${build}.wasm`)))).createTrainer(options);
    const current = await (await instantiateKernel(kernelBytes(build))).createTrainer(options);
    const trainers = [baseline, current];
    const totals = { cpu: [0, 0], wall: [0, 0] };
    for (let pass = 0; pass <= PASSES; pass++) {
      const order = shuffledIndices(TRAIN, createRandom(pass + 1, RandomStream.shuffle));
      const cpu = [0, 0];
      const wall = [0, 0];
      const perBatch: [number[], number[]] = [[], []];
      const losses = [0, 0];
      for (let start = 0, b = 0; start < TRAIN; start += BATCH, b++) {
        const indices = order.subarray(start, Math.min(start + BATCH, TRAIN));
        for (const side of b % 2 ? [1, 0] : [0, 1]) {
          const trainer = trainers[side];
          const [c, w] = [cpuMs(), performance.now()];
          trainer.setBatch(data.train.images, data.train.labels, indices);
          for (let run = 0; run < runs.length; run++) losses[side] += trainer.trainStep(run).loss;
          cpu[side] += cpuMs() - c;
          wall[side] += performance.now() - w;
          perBatch[side].push(performance.now() - w);
        }
      }
      const ratio = (x: number[]) => (x[1] / x[0]).toFixed(3);
      const batchRatio = median(perBatch[1].map((t, i) => t / perBatch[0][i])).toFixed(3);
      const same = losses[0] === losses[1] ? 'same losses' : `LOSSES DIFFER (${losses[0]} vs ${losses[1]})`;
      const label = pass === 0 ? 'warm-up' : `pass ${pass}`;
      console.log(
        `${build} ${label}: CPU baseline ${(cpu[0] / 1000).toFixed(2)} s, this tree ${(cpu[1] / 1000).toFixed(2)} s (${ratio(cpu)}); wall ${(wall[0] / 1000).toFixed(2)} s / ${(wall[1] / 1000).toFixed(2)} s (${ratio(wall)}); median per-batch ratio ${batchRatio}; ${same}`,
      );
      if (pass > 0) for (const k of ['cpu', 'wall'] as const) [0, 1].forEach((side) => (totals[k][side] += k === 'cpu' ? cpu[side] : wall[side]));
    }
    const identical = baseline.weights(0).every((w, i) => w.every((v, j) => Object.is(v, current.weights(0)[i][j])));
    console.log(
      `${build}, ${PASSES} passes: this tree / baseline = ${(totals.cpu[1] / totals.cpu[0]).toFixed(3)} (CPU time), ${(totals.wall[1] / totals.wall[0]).toFixed(3)} (wall); weights ${identical ? 'bit-identical' : 'DIFFER'}.\n`,
    );
    baseline.dispose();
    current.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(`kernel-compare: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
