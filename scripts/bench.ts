/**
 * `npm run bench`: builds the app, serves the production build, and trains in
 * headless Chromium the way a user would (through the page), measuring:
 *   - all five optimizers, one epoch of full MNIST (the figure that matters);
 *   - baselines, in the same run: the same with one worker (`#workers=1`), and
 *     Adam alone.
 * Prints a table, then the same data as one JSON object on the last line.
 * Options: --no-build, --epochs N (default 1), --examples N (default 60000).
 */
import { cpus } from 'node:os';
import type { Page } from '@playwright/test';
import { buildApp, download, OPTIMIZER_LABELS, openApp, selectOptimizers, startHeadlessApp, trainToEnd } from './headlessApp';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EPOCHS = option('--epochs', 1);
const EXAMPLES = option('--examples', 60_000);
const PORT = 4199;

interface ScenarioResult {
  name: string;
  optimizers: string[];
  wallSeconds: number;
  firstProgressSeconds: number;
  secondsPerEpoch: Record<string, number>;
  testAccuracy: Record<string, number>;
  backend: string;
}

async function scenario(page: Page, baseUrl: string, name: string, optimizers: string[], hash = ''): Promise<ScenarioResult> {
  await openApp(page, `${baseUrl}/?v=1&epochs=${EPOCHS}&examples=${EXAMPLES}${hash}`);
  await selectOptimizers(page, optimizers);
  const { firstProgressSeconds, wallSeconds } = await trainToEnd(page);
  // The exported JSON has full precision, unlike the table.
  const results = JSON.parse((await download(page, 'Download JSON')).bytes.toString('utf8'));
  const secondsPerEpoch: Record<string, number> = {};
  const testAccuracy: Record<string, number> = {};
  for (const run of results.runs as { optimizer: string; history: { seconds: number; testAccuracy: number }[] }[]) {
    const label = OPTIMIZER_LABELS.find((l) => l.toLowerCase() === run.optimizer)!;
    secondsPerEpoch[label] = run.history.reduce((sum, m) => sum + m.seconds, 0) / run.history.length;
    testAccuracy[label] = run.history.at(-1)!.testAccuracy;
  }
  return { name, optimizers, wallSeconds, firstProgressSeconds, secondsPerEpoch, testAccuracy, backend: `${results.backend.name} (${results.backend.precision})` };
}

async function main() {
  if (!args.includes('--no-build')) buildApp();
  const app = await startHeadlessApp(PORT);
  try {
    const page = await app.browser.newPage();
    const baseline = await scenario(page, app.baseUrl, 'baseline: Adam alone', ['Adam']);
    const oneWorker = await scenario(page, app.baseUrl, 'all five, one worker', OPTIMIZER_LABELS, '#workers=1');
    const allFive = await scenario(page, app.baseUrl, 'all five optimizers', OPTIMIZER_LABELS);

    console.log(`\nMachine: ${process.platform} ${process.arch}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}); backend ${allFive.backend}`);
    console.log(`Workload: ${EPOCHS} epoch(s) of ${EXAMPLES.toLocaleString('en-US')} examples, batch 128, plus evaluation on 10,000 test images per epoch.\n`);
    console.log('scenario                 | wall s | first progress s | optimizer | s/epoch | samples/s | test acc');
    console.log('-------------------------|--------|------------------|-----------|---------|-----------|---------');
    for (const r of [baseline, oneWorker, allFive]) {
      r.optimizers.forEach((label, i) => {
        const head = i === 0 ? `${r.name.padEnd(24)} | ${r.wallSeconds.toFixed(1).padStart(6)} | ${r.firstProgressSeconds.toFixed(2).padStart(16)}` : `${''.padEnd(24)} | ${''.padStart(6)} | ${''.padStart(16)}`;
        const s = r.secondsPerEpoch[label];
        console.log(`${head} | ${label.padEnd(9)} | ${s.toFixed(2).padStart(7)} | ${Math.round(EXAMPLES / s).toLocaleString('en-US').padStart(9)} | ${(r.testAccuracy[label] * 100).toFixed(2)} %`);
      });
    }
    const ratio = allFive.wallSeconds / baseline.wallSeconds;
    const poolSpeedup = oneWorker.wallSeconds / allFive.wallSeconds;
    console.log(`\nAll five vs Adam alone (same run): ${ratio.toFixed(2)}x the wall time for 5x the work.`);
    console.log(`Worker pool (${cpus().length} cores) vs one worker, all five (same run): ${poolSpeedup.toFixed(2)}x faster.`);
    console.log(
      JSON.stringify({
        backend: allFive.backend,
        epochs: EPOCHS,
        examples: EXAMPLES,
        all_five_one_epoch_s: allFive.wallSeconds / EPOCHS,
        baseline_adam_one_epoch_s: baseline.wallSeconds / EPOCHS,
        baseline_one_worker_all_five_one_epoch_s: oneWorker.wallSeconds / EPOCHS,
        pool_speedup: poolSpeedup,
        ratio_all_five_to_baseline: ratio,
        first_progress_s: allFive.firstProgressSeconds,
        seconds_per_epoch: allFive.secondsPerEpoch,
        test_accuracy: allFive.testAccuracy,
      }),
    );
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
