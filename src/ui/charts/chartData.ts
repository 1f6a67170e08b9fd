import type { EpochMetrics } from '../../experiment/metrics';
import type { OptimizerId } from '../../experiment/optimizers';

export type MetricPair = { test: keyof EpochMetrics; train: keyof EpochMetrics };

export const LOSS: MetricPair = { test: 'testLoss', train: 'trainLoss' };
export const ACCURACY: MetricPair = { test: 'testAccuracy', train: 'trainAccuracy' };

export const seriesKey = (id: OptimizerId, split: 'test' | 'train') => `${id}:${split}`;

/** One row per epoch, one column per optimizer and split, as recharts wants it. */
export function chartRows(
  histories: Partial<Record<OptimizerId, readonly EpochMetrics[]>>,
  metric: MetricPair,
): Record<string, number>[] {
  const rows = new Map<number, Record<string, number>>();
  for (const [id, history] of Object.entries(histories) as [OptimizerId, EpochMetrics[]][]) {
    for (const m of history ?? []) {
      const row = rows.get(m.epoch) ?? { epoch: m.epoch };
      row[seriesKey(id, 'test')] = m[metric.test];
      row[seriesKey(id, 'train')] = m[metric.train];
      rows.set(m.epoch, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.epoch - b.epoch);
}

/** Live training points of one optimizer, x = epochs done as a fraction. */
export function traceRows(
  id: OptimizerId,
  trace: readonly { position: number; trainLoss: number; trainAccuracy: number }[],
  metric: MetricPair,
): Record<string, number>[] {
  const key = metric.train === 'trainLoss' ? 'trainLoss' : 'trainAccuracy';
  return trace.map((point) => ({ epoch: point.position, [seriesKey(id, 'train')]: point[key] }));
}
