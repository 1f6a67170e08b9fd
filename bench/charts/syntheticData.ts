/**
 * Deterministic data that looks like training, for the chart benchmark: per contestant a
 * noisy decaying per-batch loss, its TensorBoard smoothing (the app's own function), a
 * seed band around the smoothed line and a per-epoch test line. Frames grow the curves
 * as a live run does, then keep updating at full length.
 */
import { contestantStyle } from '../../src/experiment/contestants';
import { createRandom } from '../../src/train/random';
import { smoothDebiased } from '../../src/ui/charts/smoothing';
import type { ChartFrame, FrameBand, FrameSeries } from './frame';

export interface BenchPlan {
  contestants: number;
  /** Per-batch points per contestant at full length. */
  points: number;
  updates: number;
  /**
   * 'own': each contestant's per-batch x values are offset from the others' (joins get no
   * shared x; the app's seconds axis); 'workers': two groups, as the app's two CPU workers
   * report at their own positions; 'shared': all alike (one worker, lockstep).
   */
  xs: 'own' | 'workers' | 'shared';
}

/** Per-batch points per epoch, so 2,000 points span 20 epochs and the test line has 20 points. */
export const POINTS_PER_EPOCH = 100;
/** How far the window moves per update once the curves are at full length (a few read-backs' worth). */
const SLIDE = 10;
/** The app's default smoothing weight (view.ts). */
const SMOOTHING = 0.6;

interface Curves {
  x: number[];
  raw: number[];
  smoothed: number[];
  upper: number[];
  lower: number[];
  /** Test loss at each whole epoch e (index e - 1). */
  test: number[];
}

export interface FrameSchedule {
  /** Points per contestant in each update. */
  counts: number[];
  /** First point's index in each update (moves once the curves are full). */
  starts: number[];
}

/**
 * Grows from 100 points to `points` over about three quarters of the updates (the last of
 * them at full length), then slides a full-length window for the rest: every update
 * changes every curve, so no renderer can skip one as unchanged.
 */
export function schedule({ points, updates }: BenchPlan): FrameSchedule {
  const growing = Math.max(2, Math.min(updates, Math.round(updates * 0.75)));
  const first = Math.min(100, points);
  const counts: number[] = [];
  const starts: number[] = [];
  for (let k = 0; k < updates; k++) {
    counts.push(k < growing ? Math.round(first + ((points - first) * k) / (growing - 1)) : points);
    starts.push(k < growing ? 0 : (k - growing + 1) * SLIDE);
  }
  return { counts, starts };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function contestantCurves(c: number, plan: BenchPlan, length: number): Curves {
  const random = createRandom(1000 + c, 7);
  const offset = plan.xs === 'own' ? c / plan.contestants : plan.xs === 'workers' ? (c % 2) / 2 : 0;
  const start = 2.3 + 0.1 * random.next();
  const floor = 0.05 + 0.25 * random.next();
  const tau = 150 + 900 * random.next();
  const x: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < length; i++) {
    const level = floor + (start - floor) * Math.exp(-i / tau);
    // Epochs done after batch i, as the app's positions count: the last batch of epoch e sits at x = e, with e's test point.
    x.push((i + 1 + offset) / POINTS_PER_EPOCH);
    raw.push(Math.max(0.001, level * (1 + 0.12 * gaussian(random.next))));
  }
  const smoothed = smoothDebiased(raw, SMOOTHING);
  // Seed spread: wide early, narrower later, wobbling.
  const spread = smoothed.map((_, i) => 0.06 + 0.2 * Math.exp(-i / 400) + 0.03 * Math.sin(i / 37 + c));
  const upper = smoothed.map((s, i) => s * (1 + spread[i]));
  const lower = smoothed.map((s, i) => s * (1 - spread[i]));
  const test: number[] = [];
  for (let e = 1; e * POINTS_PER_EPOCH <= length; e++) test.push(smoothed[e * POINTS_PER_EPOCH - 1] * (1.04 + 0.03 * random.next()));
  return { x, raw, smoothed, upper, lower, test };
}

export interface BenchData {
  plan: BenchPlan;
  schedule: FrameSchedule;
  /** Build update k's frame: fresh arrays, as a new store snapshot brings. */
  frame(k: number): ChartFrame;
}

export function benchData(plan: BenchPlan): BenchData {
  const plannedSchedule = schedule(plan);
  const length = Math.max(...plannedSchedule.counts.map((n, k) => n + plannedSchedule.starts[k]));
  const curves = Array.from({ length: plan.contestants }, (_, c) => contestantCurves(c, plan, length));
  const xDomain: [number, number] = [0, Math.ceil(length / POINTS_PER_EPOCH)];
  const frame = (k: number): ChartFrame => {
    const from = plannedSchedule.starts[k];
    const to = from + plannedSchedule.counts[k];
    const bands: FrameBand[] = [];
    const series: FrameSeries[] = [];
    curves.forEach((curve, c) => {
      const { color, dash } = contestantStyle(c);
      const name = `Contestant ${c + 1}`;
      const x = curve.x.slice(from, to);
      bands.push({ label: `${name} seeds`, x, upper: curve.upper.slice(from, to), lower: curve.lower.slice(from, to), color, opacity: 0.15 });
      series.push({ label: `${name} train (raw)`, x, y: curve.raw.slice(from, to), color, dash, width: 1, opacity: 0.2, marker: 0 });
      series.push({ label: `${name} train`, x, y: curve.smoothed.slice(from, to), color, dash, width: 1.5, opacity: 0.5, marker: 0 });
      // The per-epoch test line, one point per epoch finished inside the window; per contestant after its training lines, as the app orders them.
      const epochs = curve.test.map((_, i) => i + 1).filter((e) => e * POINTS_PER_EPOCH > from && e * POINTS_PER_EPOCH <= to);
      series.push({ label: `${name} test`, x: epochs, y: epochs.map((e) => curve.test[e - 1]), color, dash, width: 3, opacity: 1, marker: 4 });
    });
    return { bands, series, xDomain, xLabel: 'epoch' };
  };
  return { plan, schedule: plannedSchedule, frame };
}
