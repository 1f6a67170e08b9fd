/**
 * `npm run bench`: builds the app, serves the production build, and trains in
 * headless Chromium the way a user would (through the page), measuring:
 *   - all five optimizers, one epoch of full MNIST (the figure that matters);
 *   - baselines, in the same run: a bare TensorFlow.js autodiff loop in one worker
 *     (bench/bare.html, built only here), the app on tfjs's WebAssembly backend
 *     (chosen in the Backend menu), the app with one worker (`#workers=1`), and
 *     Adam alone;
 *   - twelve contestants (the five plus seven added with "Add another …", the cap);
 *   - every optimizer of the catalog at Keras defaults (`all_twelve_one_epoch_s` once there
 *     are twelve; the key follows the catalog's size), the same without Muon, and Muon's
 *     share: the wall time it adds, its own computing time, its cost per step against Adam's;
 *   - the article with five seeds: the five optimizers × 5 seeds × 5 epochs of full MNIST
 *     (`article_five_seeds_s`, 5 epochs whatever --epochs says; goal ≤ 35 s on 2 cores);
 *   - Show the landscape after the all-five run (its lines and default slice), as the page reports it;
 *   - time to the first chart point and the main thread's long tasks (> 50 ms);
 *   - "Inside the optimizers": the kernel's instrumented run (a sampled step at the app's
 *     most frequent cadence) against a plain one, side by side in Node (scripts/insideBench.ts;
 *     goal ≤ 1.10), and the main thread's long tasks while training with the panel open;
 *   - chart updates: each charting candidate of bench/charts/ drawing 12 contestants'
 *     live curves of up to 2,000 points with seed bands, main-thread ms per update,
 *     against today's hand-drawn SVG in the same run (scripts/chartBench.ts).
 * Prints tables, then the same data as one JSON object on the last line.
 * Options: --no-build, --epochs N (default 1), --examples N (default 60000);
 * --charts-only (skip training), --chart-updates N (default 20), --chart-dpr N
 * (default 1), --chart-candidates a,b (default all).
 */
import { cpus } from 'node:os';
import type { Browser, Page } from '@playwright/test';
import { ARTICLE_OPTIMIZERS, contestantName, parseContestantKey } from '../src/experiment/contestants';
import { LINE_ALPHAS, SLICE_COORDINATES } from '../src/experiment/landscape';
import { OPTIMIZER_IDS, OPTIMIZERS } from '../src/experiment/optimizers';
import { describeInsideOverhead, measureInsideOverhead } from './insideBench';
import { CHART_BASELINE, CHART_CANDIDATES, chartScalingTable, chartTable, runChartBench, type ChartResult } from './chartBench';
import {
  buildApp,
  download,
  longTasksSince,
  observeLongTasks,
  OPTIMIZER_LABELS,
  openApp,
  pageClock,
  selectOptimizers,
  startHeadlessApp,
  trainToEnd,
  type LongTasks,
} from './headlessApp';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EPOCHS = option('--epochs', 1);
const EXAMPLES = option('--examples', 60_000);
const CHARTS_ONLY = args.includes('--charts-only');
const CHART_OPTIONS = { contestants: 12, points: 2000, updates: option('--chart-updates', 20), dpr: option('--chart-dpr', 1) };
const chartCandidatesOption = args.indexOf('--chart-candidates');
const CHART_RUN = chartCandidatesOption >= 0 ? args[chartCandidatesOption + 1].split(',') : CHART_CANDIDATES;
/** The seven contestants the "twelve contestants" scenario adds to the five (the cap is 12 ticked). */
const ADDED_CONTESTANTS = ['Adam', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam', 'SGD'];
const PORT = 4199;
const BATCH = 128;
/** The catalog's size in the JSON keys: `all_twelve_one_epoch_s` (issue 12) once there are twelve. */
const COUNT_WORDS: Record<number, string> = { 10: 'ten', 11: 'eleven', 12: 'twelve', 13: 'thirteen', 14: 'fourteen' };
const CATALOG_KEY = `all_${COUNT_WORDS[OPTIMIZER_IDS.length] ?? OPTIMIZER_IDS.length}`;
/** The article with several seeds: its five optimizers, 5 epochs of full MNIST, 5 seeds. */
const ARTICLE_EPOCHS = 5;
const ARTICLE_SEEDS = 5;

interface ScenarioResult {
  name: string;
  optimizers: string[];
  wallSeconds: number;
  firstProgressSeconds: number;
  secondsPerEpoch: Record<string, number>;
  testAccuracy: Record<string, number>;
  backend: string;
  longTasks: LongTasks;
}

interface BareResult {
  backend: string;
  seconds: Record<string, number>;
  testAccuracy: Record<string, number>;
  totalSeconds: number;
}

async function bareLoop(page: Page, baseUrl: string): Promise<BareResult> {
  const response = await page.goto(`${baseUrl}/bench/bare.html?examples=${EXAMPLES}&epochs=${EPOCHS}`);
  if (!response?.ok()) throw new Error('dist/bench/bare.html is missing: `npm run build` leaves it out; run the bench without --no-build once.');
  const result = page.locator('#result');
  await result.filter({ hasText: /^\{/ }).waitFor({ timeout: 3_600_000 });
  const parsed = JSON.parse((await result.textContent()) ?? '{}');
  if (parsed.error) throw new Error(`bare loop: ${parsed.error}`);
  return parsed as BareResult;
}

/**
 * One run through the page; `backend` picks an entry of the Backend menu (default:
 * automatic); `addAnother` presses "Add another <label>" for each label after ticking.
 */
async function scenario(
  page: Page,
  baseUrl: string,
  name: string,
  optimizers: string[],
  { hash = '', backend = '', addAnother = [] as string[], link = '', epochs = EPOCHS, insideOpen = false } = {},
): Promise<ScenarioResult> {
  // `link`: the contestants (and more) as a version-2 link instead of ticking the article's five; `epochs`: a scenario of its own length.
  await openApp(page, link ? `${baseUrl}/?v=2&epochs=${epochs}&examples=${EXAMPLES}&${link}${hash}` : `${baseUrl}/?v=1&epochs=${epochs}&examples=${EXAMPLES}${hash}`);
  if (backend) {
    await page.getByRole('combobox', { name: 'Backend' }).selectOption(backend);
    await page.getByText(/MNIST ready/).waitFor({ timeout: 120_000 });
  }
  if (!link) await selectOptimizers(page, optimizers);
  for (const label of addAnother) await page.getByRole('button', { name: `Add another ${label}`, exact: true }).click();
  // "Inside the optimizers" open while training: four more live charts.
  if (insideOpen) await page.getByRole('button', { name: 'Inside the optimizers' }).click();
  const trainPressedAt = await pageClock(page);
  const { firstProgressSeconds, wallSeconds } = await trainToEnd(page);
  const longTasks = await longTasksSince(page, trainPressedAt);
  // The exported JSON has full precision, unlike the table.
  const results = JSON.parse((await download(page, 'Download JSON')).bytes.toString('utf8'));
  // Several seeds: each contestant's mean over them.
  const secondsPerEpoch: Record<string, number> = {};
  const testAccuracy: Record<string, number> = {};
  const runs = results.runs as { contestant: string; history: { seconds: number; testAccuracy: number }[] }[];
  const trained = [...new Set(runs.map((run) => contestantName(parseContestantKey(run.contestant)!)))];
  for (const label of trained) {
    const mine = runs.filter((run) => contestantName(parseContestantKey(run.contestant)!) === label);
    secondsPerEpoch[label] = mine.reduce((sum, run) => sum + run.history.reduce((s, m) => s + m.seconds, 0) / run.history.length, 0) / mine.length;
    testAccuracy[label] = mine.reduce((sum, run) => sum + run.history.at(-1)!.testAccuracy, 0) / mine.length;
  }
  if (addAnother.length && trained.length !== optimizers.length + addAnother.length) throw new Error(`${name}: trained ${trained.length} contestants, expected ${optimizers.length + addAnother.length}`);
  return { name, optimizers: trained, wallSeconds, firstProgressSeconds, secondsPerEpoch, testAccuracy, backend: `${results.backend.name} (${results.backend.precision})`, longTasks };
}

/**
 * Show the landscape after the run on the page (the five contestants' lines and the
 * default slice): the time the panel reports and the main thread's long tasks meanwhile.
 */
async function landscapeBench(page: Page): Promise<{ seconds: number; examples: number; points: number; longTasks: LongTasks }> {
  const panel = page.getByRole('region', { name: 'Landscape' });
  const pressedAt = await pageClock(page);
  await panel.getByRole('button', { name: 'Show the landscape' }).click();
  const status = panel.getByRole('status').filter({ hasText: /computed in/ });
  await status.waitFor({ timeout: 600_000 });
  const longTasks = await longTasksSince(page, pressedAt);
  const text = (await status.textContent()) ?? '';
  const [, examples, seconds] = /first ([\d,]+) training examples, computed in ([\d.]+) s/.exec(text) ?? [];
  if (!seconds) throw new Error(`landscape: unexpected status "${text}"`);
  const lines = await panel.getByTestId('landscape-line').getAttribute('data-series');
  const linePoints = (lines ?? '').split(';').reduce((sum, entry) => sum + Number(entry.split(':')[1] ?? 0), 0);
  return { seconds: Number(seconds), examples: Number(examples.replaceAll(',', '')), points: linePoints + SLICE_COORDINATES.length ** 2, longTasks };
}

/** The training scenarios: prints their table and returns their figures for the JSON line. */
async function trainingBench(browser: Browser, baseUrl: string): Promise<Record<string, unknown>> {
  // No service worker: its 12 MB precache would compete with the training being measured.
  const page = await browser.newPage({ serviceWorkers: 'block' });
  await observeLongTasks(page);
  const bare = await bareLoop(page, baseUrl);
  const tfjsWasm = await scenario(page, baseUrl, 'all five, tfjs wasm', OPTIMIZER_LABELS, { backend: 'wasm' });
  const baseline = await scenario(page, baseUrl, 'baseline: Adam alone', ['Adam']);
  const oneWorker = await scenario(page, baseUrl, 'all five, one worker', OPTIMIZER_LABELS, { hash: '#workers=1' });
  const allFive = await scenario(page, baseUrl, 'all five optimizers', OPTIMIZER_LABELS);
  const landscape = await landscapeBench(page);
  const insideOpen = await scenario(page, baseUrl, 'all five, inside open', OPTIMIZER_LABELS, { insideOpen: true });
  const twelve = await scenario(page, baseUrl, 'twelve contestants', OPTIMIZER_LABELS, { addAnother: ADDED_CONTESTANTS });
  // Every optimizer of the catalog at its Keras defaults (issue 12's "all twelve" once Lamb and Muon are in).
  const everyOptimizer = await scenario(page, baseUrl, `all ${OPTIMIZER_IDS.length} optimizers`, [], { link: `opt=${OPTIMIZER_IDS.join(',')}` });
  // The same without Muon, the one matrix-wise rule: its share of the wall time.
  const withoutMuon = await scenario(page, baseUrl, 'all but Muon', [], { link: `opt=${OPTIMIZER_IDS.filter((id) => id !== 'muon').join(',')}` });
  // The article's five with the shared knobs on: clipping by global norm (the costliest: one more W1 gradient pass) and weight decay.
  const withKnobs = await scenario(page, baseUrl, 'all five, clip + decay', [], { link: `opt=${ARTICLE_OPTIMIZERS.join(',')}&${ARTICLE_OPTIMIZERS.map((id) => `${id}.gclipnorm=1&${id}.wd=0.001`).join('&')}` });
  // The article with several seeds: its five at Keras defaults (the link's default selection), 5 epochs.
  const fiveSeeds = await scenario(page, baseUrl, 'article, five seeds', [], { link: `seeds=${ARTICLE_SEEDS}`, epochs: ARTICLE_EPOCHS });
  await page.close();

  console.log(`\nMachine: ${process.platform} ${process.arch}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}); backend ${allFive.backend}`);
  console.log(`Workload: ${EPOCHS} epoch(s) of ${EXAMPLES.toLocaleString('en-US')} examples, batch 128, plus evaluation on 10,000 test images per epoch.\n`);
  console.log('scenario                 | wall s | first point s | longest task ms | contestant | s/epoch | samples/s | test acc');
  console.log('-------------------------|--------|---------------|-----------------|------------|---------|-----------|---------');
  const row = (head: string, label: string, seconds: number, accuracy: number) =>
    console.log(`${head} | ${label.padEnd(10)} | ${(seconds / EPOCHS).toFixed(2).padStart(7)} | ${Math.round((EXAMPLES * EPOCHS) / seconds).toLocaleString('en-US').padStart(9)} | ${(accuracy * 100).toFixed(2)} %`);
  const blank = `${''.padEnd(24)} | ${''.padStart(6)} | ${''.padStart(13)} | ${''.padStart(15)}`;
  OPTIMIZER_LABELS.forEach((label, i) => {
    const head = i === 0 ? `${'baseline: bare tfjs loop'.padEnd(24)} | ${bare.totalSeconds.toFixed(1).padStart(6)} | ${'-'.padStart(13)} | ${'-'.padStart(15)}` : blank;
    row(head, label, bare.seconds[label], bare.testAccuracy[label]);
  });
  for (const r of [tfjsWasm, baseline, oneWorker, allFive, insideOpen, twelve, everyOptimizer, withoutMuon, withKnobs]) {
    r.optimizers.forEach((label, i) => {
      const head =
        i === 0
          ? `${r.name.padEnd(24)} | ${r.wallSeconds.toFixed(1).padStart(6)} | ${r.firstProgressSeconds.toFixed(2).padStart(13)} | ${r.longTasks.longestMs.toFixed(0).padStart(15)}`
          : blank;
      row(head, label, r.secondsPerEpoch[label] * EPOCHS, r.testAccuracy[label]);
    });
  }
  const ratio = allFive.wallSeconds / baseline.wallSeconds;
  const poolSpeedup = oneWorker.wallSeconds / allFive.wallSeconds;
  console.log(`\nAll five vs Adam alone (same run): ${ratio.toFixed(2)}x the wall time for 5x the work.`);
  console.log(`Worker pool (${cpus().length} cores) vs one worker, all five (same run): ${poolSpeedup.toFixed(2)}x faster.`);
  console.log(`Automatic backend (${allFive.backend}) vs the tfjs WebAssembly backend, both with the pool (same run): ${(tfjsWasm.wallSeconds / allFive.wallSeconds).toFixed(2)}x faster.`);
  console.log(`App vs the bare tfjs autodiff loop in one worker, all five (same run): ${(bare.totalSeconds / allFive.wallSeconds).toFixed(2)}x faster.`);
  console.log(
    `Main thread while training all five: ${allFive.longTasks.count} long tasks (> 50 ms), longest ${allFive.longTasks.longestMs.toFixed(0)} ms, ${allFive.longTasks.totalMs.toFixed(0)} ms in all.`,
  );
  console.log(
    `Article with ${ARTICLE_SEEDS} seeds (5 optimizers × ${ARTICLE_SEEDS} seeds × ${ARTICLE_EPOCHS} epochs of 60,000): ${fiveSeeds.wallSeconds.toFixed(1)} s, ` +
      `${(fiveSeeds.wallSeconds / (allFive.wallSeconds / EPOCHS) / (ARTICLE_SEEDS * ARTICLE_EPOCHS)).toFixed(2)}x the time of ${ARTICLE_SEEDS * ARTICLE_EPOCHS} one-epoch runs of all five (same run); ` +
      `main thread ${fiveSeeds.longTasks.count} long tasks (> 50 ms), longest ${fiveSeeds.longTasks.longestMs.toFixed(0)} ms. Mean final test accuracy: ${Object.entries(fiveSeeds.testAccuracy)
        .map(([label, accuracy]) => `${label} ${(accuracy * 100).toFixed(2)} %`)
        .join(', ')}.`,
  );
  console.log(
    `Twelve contestants: ${twelve.wallSeconds.toFixed(2)} s (${(twelve.wallSeconds / allFive.wallSeconds).toFixed(2)}x all five, same run); main thread ${twelve.longTasks.count} long tasks (> 50 ms), longest ${twelve.longTasks.longestMs.toFixed(0)} ms, ${twelve.longTasks.totalMs.toFixed(0)} ms in all.`,
  );
  console.log(
    `All five with Inside the optimizers open: ${insideOpen.wallSeconds.toFixed(2)} s (${(insideOpen.wallSeconds / allFive.wallSeconds).toFixed(2)}x folded, same run); main thread ${insideOpen.longTasks.count} long tasks (> 50 ms), longest ${insideOpen.longTasks.longestMs.toFixed(0)} ms.`,
  );
  console.log(`Every optimizer (${OPTIMIZER_IDS.length}) at Keras defaults: ${everyOptimizer.wallSeconds.toFixed(2)} s; ${everyOptimizer.longTasks.count} long tasks.`);
  // Muon's share: the wall time it adds, and its own computing seconds (each contestant's, from the results file) against Adam's.
  const muon = OPTIMIZERS.muon.label;
  const adam = OPTIMIZERS.adam.label;
  const steps = Math.ceil(EXAMPLES / BATCH) * EPOCHS;
  const muonStepMs = (everyOptimizer.secondsPerEpoch[muon] * EPOCHS * 1000) / steps;
  const adamStepMs = (everyOptimizer.secondsPerEpoch[adam] * EPOCHS * 1000) / steps;
  const ownSeconds = Object.values(everyOptimizer.secondsPerEpoch).reduce((sum, seconds) => sum + seconds, 0);
  console.log(
    `Muon's share of every optimizer: ${(everyOptimizer.wallSeconds - withoutMuon.wallSeconds).toFixed(2)} s of the wall time (${withoutMuon.wallSeconds.toFixed(2)} s without it, same run); ` +
      `its own ${everyOptimizer.secondsPerEpoch[muon].toFixed(2)} s an epoch are ${((100 * everyOptimizer.secondsPerEpoch[muon]) / ownSeconds).toFixed(0)} % of all contestants' computing time; ` +
      `per step (incl. its share of evaluation) ${muonStepMs.toFixed(2)} ms against Adam's ${adamStepMs.toFixed(2)} ms (${(muonStepMs / adamStepMs).toFixed(1)}x, same run).`,
  );
  console.log(
    `Show the landscape after all five (${landscape.points} loss evaluations on ${landscape.examples.toLocaleString('en-US')} examples: ${LINE_ALPHAS.length} per line, ${SLICE_COORDINATES.length} × ${SLICE_COORDINATES.length} slice): ${landscape.seconds.toFixed(1)} s as the page reports it; ` +
      `main thread ${landscape.longTasks.count} long tasks (> 50 ms), longest ${landscape.longTasks.longestMs.toFixed(0)} ms.`,
  );
  console.log(`All five with global clip norm and weight decay: ${withKnobs.wallSeconds.toFixed(2)} s (${(withKnobs.wallSeconds / allFive.wallSeconds).toFixed(2)}x all five without, same run).`);
  return {
    backend: allFive.backend,
    all_optimizers_count: OPTIMIZER_IDS.length,
    all_optimizers_one_epoch_s: everyOptimizer.wallSeconds / EPOCHS,
    all_optimizers_long_tasks_over_50ms: everyOptimizer.longTasks.count,
    [`${CATALOG_KEY}_one_epoch_s`]: everyOptimizer.wallSeconds / EPOCHS,
    all_but_muon_one_epoch_s: withoutMuon.wallSeconds / EPOCHS,
    muon_share_of_wall_s: (everyOptimizer.wallSeconds - withoutMuon.wallSeconds) / EPOCHS,
    muon_own_seconds_per_epoch: everyOptimizer.secondsPerEpoch[muon],
    muon_step_ms: muonStepMs,
    adam_step_ms_same_run: adamStepMs,
    muon_to_adam_step_ratio: muonStepMs / adamStepMs,
    landscape_after_all_five_s: landscape.seconds,
    landscape_long_tasks_over_50ms: landscape.longTasks.count,
    all_five_with_knobs_one_epoch_s: withKnobs.wallSeconds / EPOCHS,
    ratio_knobs_to_all_five: withKnobs.wallSeconds / allFive.wallSeconds,
    all_five_inside_open_one_epoch_s: insideOpen.wallSeconds / EPOCHS,
    all_five_inside_open_long_tasks_over_50ms: insideOpen.longTasks.count,
    all_five_inside_open_longest_task_ms: insideOpen.longTasks.longestMs,
    epochs: EPOCHS,
    examples: EXAMPLES,
    all_five_one_epoch_s: allFive.wallSeconds / EPOCHS,
    baseline_adam_one_epoch_s: baseline.wallSeconds / EPOCHS,
    baseline_one_worker_all_five_one_epoch_s: oneWorker.wallSeconds / EPOCHS,
    baseline_bare_autodiff_all_five_one_epoch_s: bare.totalSeconds / EPOCHS,
    baseline_tfjs_wasm_all_five_one_epoch_s: tfjsWasm.wallSeconds / EPOCHS,
    speedup_vs_tfjs_wasm: tfjsWasm.wallSeconds / allFive.wallSeconds,
    speedup_vs_bare: bare.totalSeconds / allFive.wallSeconds,
    pool_speedup: poolSpeedup,
    ratio_all_five_to_baseline: ratio,
    first_progress_s: allFive.firstProgressSeconds,
    long_tasks_over_50ms: allFive.longTasks.count,
    longest_task_ms: allFive.longTasks.longestMs,
    seconds_per_epoch: allFive.secondsPerEpoch,
    test_accuracy: allFive.testAccuracy,
    twelve_contestants_one_epoch_s: twelve.wallSeconds / EPOCHS,
    twelve_contestants_long_tasks_over_50ms: twelve.longTasks.count,
    twelve_contestants_longest_task_ms: twelve.longTasks.longestMs,
    article_five_seeds_s: fiveSeeds.wallSeconds,
    article_five_seeds_long_tasks_over_50ms: fiveSeeds.longTasks.count,
    article_five_seeds_longest_task_ms: fiveSeeds.longTasks.longestMs,
    article_five_seeds_mean_test_accuracy: fiveSeeds.testAccuracy,
  };
}

/** The chart updates: prints their tables and returns their figures for the JSON line. */
async function chartsBench(browser: Browser, baseUrl: string): Promise<Record<string, unknown>> {
  const results = await runChartBench(browser, baseUrl, CHART_RUN, CHART_OPTIONS);
  const { contestants, points, updates, dpr } = CHART_OPTIONS;
  console.log(
    `\nChart updates: ${contestants} contestants × (raw + smoothed per-batch curve of up to ${points.toLocaleString('en-US')} points, seed band, per-epoch test line), ` +
      `${updates} updates growing from 100 points, the last ${results[0]?.samples.filter((s) => s.points === points).length ?? 0} at full length; 900×360 CSS px at devicePixelRatio ${dpr}.`,
  );
  console.log('Main-thread CPU time per update (DevTools Performance.getMetrics TaskDuration in threadTicks: script, style, layout, paint, canvas);');
  console.log('ratios to the hand-drawn SVG of this run; "wall": time inside main-thread tasks, inflated when other work competes for the cores;');
  console.log('long tasks: PerformanceObserver (> 50 ms wall); "CPU > 50 ms": main-thread tasks over 50 ms of CPU time in a trace of the run.\n');
  console.log(chartTable(results));
  console.log('\nBy curve length (points per curve):');
  console.log(chartScalingTable(results));
  const byCandidate = (pick: (r: ChartResult) => number) => Object.fromEntries(results.map((r) => [r.candidate, pick(r)]));
  const baseline = results.find((r) => r.candidate === CHART_BASELINE);
  return {
    chart_update_ms: Object.fromEntries(
      results.map((r) => [
        r.candidate,
        { median: r.medianMs, p95: r.p95Ms, max: r.maxMs, at_full: r.atFullMs, script_median: r.scriptMedianMs, wall_median: r.wallMedianMs, wall_at_full: r.wallAtFullMs, long_tasks: r.longTasks.count, longest_task_ms: r.longTasks.longestMs, cpu_long_tasks: r.cpuLongTasks.count, longest_task_cpu_ms: r.cpuLongTasks.longestMs },
      ]),
    ),
    ...(baseline ? { chart_median_ratio_to_hand_drawn: byCandidate((r) => r.medianMs / baseline.medianMs), chart_at_full_ratio_to_hand_drawn: byCandidate((r) => r.atFullMs / baseline.atFullMs) } : {}),
    chart_options: CHART_OPTIONS,
  };
}

async function main() {
  if (!args.includes('--no-build')) buildApp({ BENCH_PAGES: '1' });
  const inside = CHARTS_ONLY ? undefined : await measureInsideOverhead(EPOCHS);
  if (inside) console.log(describeInsideOverhead(inside));
  const app = await startHeadlessApp(PORT);
  try {
    const training = CHARTS_ONLY ? {} : { ...(await trainingBench(app.browser, app.baseUrl)), inside_overhead_ratio: inside!.ratio, inside_overhead_total_ratio: inside!.totalRatio, inside_sampled_step_ratio: inside!.sampledStepRatio };
    const charts = await chartsBench(app.browser, app.baseUrl);
    console.log(JSON.stringify({ ...training, ...charts }));
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
