/**
 * The learning-rate range test (Smith, 2017, "Cyclical Learning Rates for Training
 * Neural Networks", section 3.3; fast.ai's `lr_find`): train one contestant from the
 * shared initial weights with its other settings, raising the rate exponentially
 * every batch from 1e-7 to 10, and watch the loss. Where it falls fastest is a good
 * rate; where it shoots up, the rate is too large. Pure: the worker runs the sweep
 * (train/lrFinder.ts), the page draws and reads it.
 */
import type { ScheduleSettings } from './schedules';

export const RATE_FINDER = {
  minRate: 1e-7,
  maxRate: 10,
  /** Batches of the sweep (pass after pass of the training examples); it stops earlier where the loss blows up. */
  steps: 300,
  /** fast.ai's smoothing of the loss (an exponential moving average, debiased). */
  beta: 0.98,
  /** The sweep stops once the smoothed loss exceeds this many times its lowest value (fast.ai's rule). */
  divergeFactor: 4,
} as const;

export interface RateFinderPoint {
  rate: number;
  loss: number;
  /** The debiased moving average of the losses so far. */
  smoothed: number;
}

/** The sweep as a Keras schedule: ExponentialDecay from minRate that reaches maxRate at the last step. */
export function sweepSchedule(steps: number): { learningRate: number; schedule: ScheduleSettings } {
  return {
    learningRate: RATE_FINDER.minRate,
    schedule: { kind: 'exponential', values: { decaySteps: Math.max(1, steps - 1), decayRate: RATE_FINDER.maxRate / RATE_FINDER.minRate, staircase: false } },
  };
}

/** Adds one batch's loss to the sweep; says whether the sweep must stop (a non-finite loss, or the divergence rule). */
export function addRatePoint(points: RateFinderPoint[], rate: number, loss: number, state: { average: number; best: number }): boolean {
  if (!Number.isFinite(loss)) return true;
  const i = points.length;
  state.average = RATE_FINDER.beta * state.average + (1 - RATE_FINDER.beta) * loss;
  const smoothed = state.average / (1 - RATE_FINDER.beta ** (i + 1));
  points.push({ rate, loss, smoothed });
  if (i === 0 || smoothed < state.best) state.best = smoothed;
  return i > 0 && smoothed > RATE_FINDER.divergeFactor * state.best;
}

export interface RateSuggestion {
  rate: number;
  /** Index of the point it is read at. */
  index: number;
  rule: string;
}

export const SUGGESTION_RULE = 'steepest descent of the smoothed loss (fast.ai’s “steep” rule)';

/**
 * The rate where the smoothed loss falls fastest against log(rate): the most negative
 * slope (central differences), ignoring the first 10 points (the average's start-up)
 * and the last 5 (the blow-up), as fast.ai's plot skips them. Undefined when the loss
 * never falls.
 */
export function suggestRate(points: readonly RateFinderPoint[]): RateSuggestion | undefined {
  const first = Math.min(10, Math.floor(points.length / 4));
  const last = points.length - 1 - Math.min(5, Math.floor(points.length / 8));
  let best: { slope: number; index: number } | undefined;
  for (let i = Math.max(1, first); i < last; i++) {
    const slope = (points[i + 1].smoothed - points[i - 1].smoothed) / (Math.log10(points[i + 1].rate) - Math.log10(points[i - 1].rate));
    if (slope < 0 && (!best || slope < best.slope)) best = { slope, index: i };
  }
  return best && { rate: points[best.index].rate, index: best.index, rule: SUGGESTION_RULE };
}
