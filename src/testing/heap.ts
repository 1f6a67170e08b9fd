/** JS-heap flatness for trainer tests, on any engine. */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';
import type { MnistData } from '../data/shardLoader';
import type { ExperimentConfig } from '../experiment/config';
import { trainExperiment, type TrainerOptions } from '../train/trainer';

/** A full garbage collection on demand, without starting Node with --expose-gc. */
export function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The heap after a forced GC at the end of each epoch; the events keep nothing, so what it gains is the trainer's or the engine's. */
export async function heapAfterEachEpoch(data: MnistData, config: ExperimentConfig, options: TrainerOptions = {}): Promise<number[]> {
  const collectGarbage = exposeGc();
  const heap: number[] = [];
  let epochsEnded = 0;
  await trainExperiment(
    data,
    config,
    { runStatus: () => {}, epochEnd: (_id, metrics) => void (epochsEnded = metrics.epoch), progress: () => {} },
    {
      stopRequested: () => false,
      yieldToEventLoop: async () => {
        if (heap.length < epochsEnded) {
          collectGarbage();
          heap.push(process.memoryUsage().heapUsed);
        }
      },
    },
    { readbackIntervalMs: 0, ...options },
  );
  expect(heap).toHaveLength(config.epochs);
  return heap;
}

/**
 * From the sixth sample on (caches warm) the heap must not grow: the median of the last
 * samples (up to five) stays within 512 KB of the median of the first settled ones. It
 * wobbles by ~130 KB (a single late collection can add more, hence medians); keeping one
 * batch's images an epoch would add ~780 KB an epoch, several MB over the window.
 */
export function expectFlatHeap(heap: number[]): void {
  const settled = heap.slice(5);
  expect(settled.length).toBeGreaterThanOrEqual(6);
  const window = Math.min(5, Math.floor(settled.length / 2));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  expect(median(settled.slice(-window)) - median(settled.slice(0, window))).toBeLessThan(512 * 1024);
}
