/**
 * The chart part of `npm run bench`: each candidate of bench/charts/candidates.ts on
 * bench/charts.html (built with BENCH_PAGES=1), the same synthetic live run for each,
 * measured one after another in one browser.
 *
 * Per update, the main thread's time comes from the DevTools protocol's Performance
 * metrics, read before and after the update: TaskDuration sums every task on the
 * renderer's main thread, so script, style, layout, paint recording and canvas calls
 * alike. The page ends an update only after two frames were produced and the thread
 * went idle, so the frame's rendering lies inside the window; the frame's data is built
 * before the first read (it is the same for every candidate). Two protocol sessions
 * read the same metrics in two time domains: the thread's CPU time (`threadTicks`, the
 * headline: on a shared machine it does not count the time the thread waited for a
 * core) and wall time inside tasks (`timeTicks`, what a user waits, inflated by other
 * load). Long tasks (> 50 ms, wall time) come from a PerformanceObserver in the page;
 * since on a loaded machine those measure the load as much as the chart, a trace of
 * the run (category `toplevel`, every task with its thread time) also counts the tasks
 * that took over 50 ms of CPU.
 */
import type { Browser, CDPSession } from '@playwright/test';
// window.__chartBench is typed by bench/charts/main.ts's global declaration.

/**
 * What `npm run bench` measures. 'empty' draws nothing: what the measuring costs.
 * A suffix `@shared-x` gives every contestant the same x values (per-batch points of a
 * lockstep run in one worker); `@two-workers` two sets of x values, as the app's two CPU
 * workers report at their own positions; without a suffix each contestant's are offset
 * from the others' (the app's seconds axis), the worst case for libraries that join all
 * series onto one x array.
 */
export const CHART_CANDIDATES = ['empty', 'hand-drawn-svg', 'recharts', 'd3-svg', 'uplot', 'uplot@shared-x', 'app', 'app@two-workers', 'app@shared-x'];
export const CHART_BASELINE = 'hand-drawn-svg';

export interface ChartBenchOptions {
  contestants: number;
  points: number;
  updates: number;
  /** devicePixelRatio of the page (a canvas has dpr² pixels to fill). */
  dpr: number;
}

export interface UpdateSample {
  points: number;
  /** Main-thread CPU time (ms) and its script part. */
  cpuMs: number;
  cpuScriptMs: number;
  /** Wall time inside main-thread tasks (ms). */
  wallMs: number;
  /** The candidate's update() call alone, timed in the page (wall): a check that the update ran inside the window. */
  updateCallMs: number;
}

export interface ChartResult {
  candidate: string;
  options: ChartBenchOptions;
  samples: UpdateSample[];
  /** Over all updates, CPU ms. */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Median over the updates at full length (`points` per contestant), CPU ms. */
  atFullMs: number;
  scriptMedianMs: number;
  wallMedianMs: number;
  wallAtFullMs: number;
  /** PerformanceObserver's long tasks: over 50 ms of wall time. */
  longTasks: { count: number; longestMs: number };
  /** Main-thread tasks over 50 ms of CPU time, from the trace. */
  cpuLongTasks: { count: number; longestMs: number };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  /** Wall and thread (CPU) duration, µs. */
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** The renderers' main-thread tasks' CPU times (ms) in a `toplevel` trace; the candidate's page is the only renderer of its context. */
function mainThreadTaskCpuMs(trace: Buffer): number[] {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`));
  return events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mainThreads.has(`${e.pid}/${e.tid}`)).map((e) => (e.tdur ?? 0) / 1000);
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  return sorted[low] + (sorted[Math.ceil(position)] - sorted[low]) * (position - low);
};
export const median = (values: number[]) => quantile(values, 0.5);

type Metrics = Record<string, number>;
async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}
const msBetween = (before: Metrics, after: Metrics, name: string) => (after[name] - before[name]) * 1000;

export async function measureChartCandidate(browser: Browser, baseUrl: string, spec: string, options: ChartBenchOptions): Promise<ChartResult> {
  const [candidate, variant] = spec.split('@');
  // A context per candidate: a fresh renderer (no other candidate's heap or caches) at the asked pixel ratio.
  const context = await browser.newContext({ deviceScaleFactor: options.dpr, viewport: { width: 1000, height: 600 }, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    const xs = variant === 'shared-x' ? 'shared' : variant === 'two-workers' ? 'workers' : 'own';
    const query = `candidate=${candidate}&contestants=${options.contestants}&points=${options.points}&updates=${options.updates}&xs=${xs}`;
    const response = await page.goto(`${baseUrl}/bench/charts.html?${query}`);
    if (!response?.ok()) throw new Error('dist/bench/charts.html is missing: `npm run build` leaves it out; run the bench without --no-build once.');
    const status = page.locator('#status');
    await status.filter({ hasText: /^(ready|error)/ }).waitFor({ timeout: 60_000 });
    const text = (await status.textContent()) ?? '';
    if (text.startsWith('error')) throw new Error(`chart bench page, ${spec}: ${text}`);
    const cpu = await context.newCDPSession(page);
    await cpu.send('Performance.enable', { timeDomain: 'threadTicks' });
    const wall = await context.newCDPSession(page);
    await wall.send('Performance.enable', { timeDomain: 'timeTicks' });
    const counts = await page.evaluate(() => window.__chartBench!.counts);
    await page.evaluate(() => window.__chartBench!.warmUp());
    await browser.startTracing(page, { categories: ['toplevel'] });
    const samples: UpdateSample[] = [];
    for (let k = 0; k < counts.length; k++) {
      await page.evaluate((i) => window.__chartBench!.prepare(i), k);
      const [cpuBefore, wallBefore] = [await metrics(cpu), await metrics(wall)];
      const updateCallMs = await page.evaluate(() => window.__chartBench!.step());
      const [cpuAfter, wallAfter] = [await metrics(cpu), await metrics(wall)];
      samples.push({
        points: counts[k],
        cpuMs: msBetween(cpuBefore, cpuAfter, 'TaskDuration'),
        cpuScriptMs: msBetween(cpuBefore, cpuAfter, 'ScriptDuration'),
        wallMs: msBetween(wallBefore, wallAfter, 'TaskDuration'),
        updateCallMs,
      });
    }
    const cpuLong = mainThreadTaskCpuMs(await browser.stopTracing()).filter((ms) => ms > 50);
    const longTasks = await page.evaluate(() => window.__chartBench!.longTasks());
    if (errors.length) throw new Error(`chart bench page, ${spec}: ${errors.join('; ')}`);
    // The update runs in a task of its own inside the window; were it not counted, the window would hold less than the call.
    const uncounted = samples.filter((s) => s.wallMs + 1 < s.updateCallMs).length;
    if (uncounted) console.warn(`chart bench, ${spec}: ${uncounted} updates measured less main-thread time than their update() call took: the measurement missed work.`);
    const cpuMs = samples.map((s) => s.cpuMs);
    const full = samples.filter((s) => s.points === options.points);
    return {
      candidate: spec,
      options,
      samples,
      medianMs: median(cpuMs),
      p95Ms: quantile(cpuMs, 0.95),
      maxMs: Math.max(...cpuMs),
      atFullMs: median(full.map((s) => s.cpuMs)),
      scriptMedianMs: median(samples.map((s) => s.cpuScriptMs)),
      wallMedianMs: median(samples.map((s) => s.wallMs)),
      wallAtFullMs: median(full.map((s) => s.wallMs)),
      longTasks: { count: longTasks.length, longestMs: Math.max(0, ...longTasks.map((t) => t.duration)) },
      cpuLongTasks: { count: cpuLong.length, longestMs: Math.max(0, ...cpuLong) },
    };
  } finally {
    await context.close();
  }
}

export async function runChartBench(browser: Browser, baseUrl: string, candidates: string[], options: ChartBenchOptions): Promise<ChartResult[]> {
  const results: ChartResult[] = [];
  for (const candidate of candidates) results.push(await measureChartCandidate(browser, baseUrl, candidate, options));
  return results;
}

/** The table `npm run bench` prints; ratios are to the baseline measured in the same run. */
export function chartTable(results: ChartResult[]): string {
  const baseline = results.find((r) => r.candidate === CHART_BASELINE);
  const cell = (ms: number, base: number | undefined, width: number) => `${ms.toFixed(1)}${base ? ` (${(ms / base).toFixed(2)}x)` : ''}`.padStart(width);
  const full = results[0]?.options.points.toLocaleString('en-US') ?? '';
  const lines = [
    `candidate              | median ms (vs base) |    p95 ms (vs base) |    max ms (vs base) | at ${full} pts ms (vs base) | long tasks (longest ms) | CPU > 50 ms (longest) | script median | wall median | wall at ${full}`,
    `-----------------------|---------------------|---------------------|---------------------|${'-'.repeat(full.length + 24)}|-------------------------|-----------------------|---------------|-------------|${'-'.repeat(full.length + 9)}`,
  ];
  for (const r of results) {
    lines.push(
      [
        r.candidate.padEnd(22),
        cell(r.medianMs, baseline?.medianMs, 19),
        cell(r.p95Ms, baseline?.p95Ms, 19),
        cell(r.maxMs, baseline?.maxMs, 19),
        cell(r.atFullMs, baseline?.atFullMs, full.length + 22),
        `${r.longTasks.count} (${r.longTasks.longestMs.toFixed(0)})`.padStart(23),
        `${r.cpuLongTasks.count} (${r.cpuLongTasks.longestMs.toFixed(0)})`.padStart(21),
        r.scriptMedianMs.toFixed(1).padStart(13),
        r.wallMedianMs.toFixed(1).padStart(11),
        r.wallAtFullMs.toFixed(1).padStart(full.length + 8),
      ].join(' | '),
    );
  }
  return lines.join('\n');
}

/** CPU medians by curve length, to show how each candidate scales with the points it draws. */
export function chartScalingTable(results: ChartResult[]): string {
  const points = results[0]?.options.points ?? 0;
  const bins: [string, (n: number) => boolean][] = [
    [`< ${Math.round(points / 3)}`, (n) => n < points / 3],
    [`< ${Math.round((2 * points) / 3)}`, (n) => n >= points / 3 && n < (2 * points) / 3],
    [`< ${points}`, (n) => n >= (2 * points) / 3 && n < points],
    [`${points}`, (n) => n === points],
  ];
  const lines = [`candidate              | ${bins.map(([label]) => `${label} pts`.padStart(10)).join(' | ')}`];
  for (const r of results) {
    const cells = bins.map(([, inBin]) => {
      const inside = r.samples.filter((s) => inBin(s.points)).map((s) => s.cpuMs);
      return (inside.length ? median(inside).toFixed(1) : '-').padStart(10);
    });
    lines.push(`${r.candidate.padEnd(22)} | ${cells.join(' | ')}`);
  }
  return lines.join('\n');
}
