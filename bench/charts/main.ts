/**
 * The chart benchmark's page: mounts one candidate (`?candidate=`) at a fixed size and
 * exposes `window.__chartBench` for scripts/chartBench.ts, which drives the updates one
 * by one and reads the main thread's time around each through the DevTools protocol.
 */
import { CANDIDATES } from './candidates';
import type { ChartFrame, MountedChart } from './frame';
import { benchData, type BenchPlan } from './syntheticData';

export interface ChartBenchApi {
  candidate: string;
  plan: BenchPlan;
  /** Points per contestant in each update. */
  counts: number[];
  /** Draws two frames unmeasured (JIT, first layout, canvas creation), different from update 0's. */
  warmUp(): Promise<void>;
  /** Builds update k's frame, outside the measured window: the data is the same for every candidate. */
  prepare(k: number): void;
  /**
   * Draws the prepared frame in a task of its own, then waits until two frames have been
   * produced and the thread is idle; resolves with the update call's own duration (ms).
   */
  step(): Promise<number>;
  /** Long tasks (> 50 ms) since `warmUp` finished. */
  longTasks(): { start: number; duration: number }[];
}

declare global {
  interface Window {
    __chartBench?: ChartBenchApi;
  }
}

const query = new URLSearchParams(location.search);
const number = (key: string, fallback: number) => {
  const value = Number(query.get(key) ?? fallback);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const WIDTH = number('width', 900);
const HEIGHT = number('height', 360);

const longTasks: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask', buffered: true });

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
/**
 * rAF callbacks run before a frame's style, layout and paint, so the second one proves
 * the first frame after the update was produced; idle then lets work a library
 * schedules after its frame (effects, observers) finish inside the measured window.
 */
const settled = async () => {
  await nextFrame();
  await nextFrame();
  await new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 1000 }));
};

async function start() {
  const status = document.getElementById('status')!;
  const name = query.get('candidate') ?? 'empty';
  const load = CANDIDATES[name];
  if (!load) throw new Error(`unknown candidate "${name}"; known: ${Object.keys(CANDIDATES).join(', ')}`);
  const xs = query.get('xs') === 'shared' ? 'shared' : query.get('xs') === 'workers' ? 'workers' : 'own';
  const plan: BenchPlan = { contestants: number('contestants', 12), points: number('points', 2000), updates: Math.max(2, number('updates', 30)), xs };
  const data = benchData(plan);
  const container = document.getElementById('chart')!;
  container.style.width = `${WIDTH}px`;
  container.style.height = `${HEIGHT}px`;
  const candidate = await load();
  const chart: MountedChart = candidate.mount(container, { width: WIDTH, height: HEIGHT });
  let pending: ChartFrame | undefined;
  let measuredFrom = Infinity;
  window.__chartBench = {
    candidate: name,
    plan,
    counts: data.schedule.counts,
    async warmUp() {
      for (const k of [plan.updates - 1, 1]) {
        chart.update(data.frame(k));
        await settled();
      }
      measuredFrom = performance.now();
    },
    prepare(k) {
      pending = data.frame(k);
    },
    async step() {
      const frame = pending;
      if (!frame) throw new Error('prepare(k) first');
      pending = undefined;
      // A task of its own: work done inside the protocol's evaluate call is not counted
      // as a task by the Performance metrics, so the update must not run in it.
      const syncMs = await new Promise<number>((resolve) =>
        setTimeout(() => {
          const started = performance.now();
          chart.update(frame);
          resolve(performance.now() - started);
        }),
      );
      await settled();
      return syncMs;
    },
    longTasks: () => longTasks.filter((t) => t.start >= measuredFrom),
  };
  status.textContent = `ready: ${name}, ${plan.contestants} contestants, up to ${plan.points} points, ${plan.updates} updates`;
}

start().catch((error) => {
  document.getElementById('status')!.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
});
