/** What a run reports, shared by the worker, the store, the charts and the table. */

export type RunStatus = 'queued' | 'training' | 'done' | 'stopped' | 'diverged';

export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** Seconds this optimizer spent on the epoch (its training steps and its evaluation). */
  seconds: number;
  samplesPerSecond: number;
}

export interface DivergenceInfo {
  epoch: number;
  /** 1-based batch index within the epoch. */
  batch: number;
}

export interface RunSummary {
  finalTrainLoss: number | null;
  finalTrainAccuracy: number | null;
  finalTestLoss: number | null;
  finalTestAccuracy: number | null;
  bestTestAccuracy: number | null;
  bestEpoch: number | null;
  meanSecondsPerEpoch: number | null;
}

export function summarize(history: readonly EpochMetrics[]): RunSummary {
  const last = history.at(-1);
  let best: EpochMetrics | undefined;
  for (const m of history) if (!best || m.testAccuracy > best.testAccuracy) best = m;
  return {
    finalTrainLoss: last?.trainLoss ?? null,
    finalTrainAccuracy: last?.trainAccuracy ?? null,
    finalTestLoss: last?.testLoss ?? null,
    finalTestAccuracy: last?.testAccuracy ?? null,
    bestTestAccuracy: best?.testAccuracy ?? null,
    bestEpoch: best?.epoch ?? null,
    meanSecondsPerEpoch: history.length ? history.reduce((s, m) => s + m.seconds, 0) / history.length : null,
  };
}

/** Which of several runs is best: highest final test accuracy among runs that did not diverge. */
export function bestRun<T extends { status: RunStatus; history: readonly EpochMetrics[] }>(
  runs: readonly T[],
): T | undefined {
  let best: T | undefined;
  let bestAccuracy = -Infinity;
  for (const run of runs) {
    const accuracy = run.history.at(-1)?.testAccuracy;
    if (run.status === 'diverged' || accuracy === undefined) continue;
    if (accuracy > bestAccuracy) {
      best = run;
      bestAccuracy = accuracy;
    }
  }
  return best;
}
