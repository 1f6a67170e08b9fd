import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../experiment/config';
import { contestantStyle } from '../experiment/contestants';
import type { EpochMetrics } from '../experiment/metrics';
import { buildResults, type ExperimentResults } from '../experiment/resultsFile';
import type { WorkerEvent } from '../train/protocol';
import type { ResultsStore } from './persistence';
import { BASELINE_DASH, BASELINE_GREY, baselineLabel, baselineLineup, createPlaygroundStore, type Baseline, type TrainingPort } from './playgroundStore';

const port: TrainingPort = { load() {}, train() {}, stop() {} };
const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1 };

function metrics(epoch: number, testAccuracy: number): EpochMetrics {
  return { epoch, trainLoss: 0.5, trainAccuracy: 0.8, testLoss: 0.4, testAccuracy, seconds: 1, samplesPerSecond: 1000 };
}

/** SGD and Adam as ticked in a results file, with their histories. */
function results(testAccuracy: number, exportedAt = '2026-11-30T18:42:00.000Z'): ExperimentResults {
  const config = defaultExperiment();
  for (const c of config.contestants) c.selected = c.optimizer === 'sgd' || c.optimizer === 'adam';
  return {
    ...buildResults(config, { name: 'kernel', precision: 'float32' }, [
      { contestant: 'sgd', seed: config.seed, status: 'done', history: [metrics(1, testAccuracy - 0.1)] },
      { contestant: 'adam', seed: config.seed, status: 'done', history: [metrics(1, testAccuracy)] },
    ]),
    exportedAt,
  };
}

class KeptBaselines implements ResultsStore {
  kept: (Baseline | undefined)[] = [];
  save() {}
  keepBaseline(baseline: Baseline | undefined) {
    this.kept.push(baseline);
  }
}

function setup(initial?: Baseline) {
  const kept = new KeptBaselines();
  const store = createPlaygroundStore(port, { baseline: initial }, kept);
  store.getState().handleEvent(READY);
  const state = () => store.getState();
  /** Trains the draft and finishes it with one epoch per contestant. */
  const trainOnce = (testAccuracy: number) => {
    state().train();
    const runId = state().run!.id;
    for (const key of Object.keys(state().run!.contestants)) state().handleEvent({ type: 'epoch', runId, contestant: key, metrics: metrics(1, testAccuracy) });
    state().handleEvent({ type: 'runFinished', runId, outcome: 'done' });
  };
  return { store, state, kept, trainOnce };
}

describe('Pin as baseline', () => {
  it('pins a finished run, which stays through a new run and an opened file until unpinned', () => {
    const { state, kept, trainOnce } = setup();
    trainOnce(0.9);
    state().pinBaseline();
    const pinned = state().baseline!;
    expect(pinned.results.runs.map((r) => [r.contestant, r.history[0].testAccuracy])).toEqual(
      Object.keys(state().run!.contestants).map((key) => [key, 0.9]),
    );
    expect(pinned.sourceName).toBeUndefined();
    expect(kept.kept).toEqual([pinned]);

    trainOnce(0.95);
    expect(state().baseline).toBe(pinned);
    state().showResults(results(0.8), 'imported', 'other.json');
    expect(state().baseline).toBe(pinned);

    state().unpinBaseline();
    expect(state().baseline).toBeUndefined();
    expect(kept.kept.at(-1)).toBeUndefined();
  });

  it('pins nothing while training or before an epoch has finished, and the run on screen only once', () => {
    const { state, kept, trainOnce } = setup();
    state().pinBaseline();
    expect(state().baseline).toBeUndefined();
    state().train();
    state().pinBaseline();
    expect(state().baseline).toBeUndefined();
    state().stop();
    state().handleEvent({ type: 'runFinished', runId: state().run!.id, outcome: 'stopped' });
    state().pinBaseline();
    expect(state().baseline).toBeUndefined();

    trainOnce(0.9);
    state().pinBaseline();
    state().pinBaseline();
    expect(kept.kept).toHaveLength(1);
  });

  it('pins an opened file with its name and the time it was saved, and a second file replaces nothing until pinned', () => {
    const { state } = setup();
    state().showResults(results(0.9), 'imported', 'monday.json');
    state().pinBaseline();
    expect(state().baseline).toEqual({ results: results(0.9), sourceName: 'monday.json' });
    expect(baselineLabel(state().baseline!)).toBe('monday.json');
    // Two files side by side: the second one opened over the pinned first.
    state().showResults(results(0.8), 'imported', 'tuesday.json');
    expect(state().run?.sourceName).toBe('tuesday.json');
    expect(state().baseline?.sourceName).toBe('monday.json');
    state().pinBaseline();
    expect(state().baseline?.sourceName).toBe('tuesday.json');
  });

  it('pins a run restored from the last visit under the time it was saved, not now', () => {
    const { state } = setup();
    state().showResults(results(0.9, '2026-11-30T12:00:00.000Z'), 'restored');
    state().pinBaseline();
    expect(state().baseline?.results.exportedAt).toBe('2026-11-30T12:00:00.000Z');
    expect(state().baseline?.sourceName).toBeUndefined();
    expect(baselineLabel(state().baseline!)).toMatch(/^your run of Mon 30 Nov, \d\d:\d\d$/);
    expect(baselineLabel({ results: { ...results(0.9), exportedAt: 'not a date' } })).toBe('your earlier run');
  });

  it('starts with the baseline pinned on an earlier visit', () => {
    const earlier = { results: results(0.9), sourceName: 'monday.json' };
    const { state } = setup(earlier);
    expect(state().baseline).toBe(earlier);
  });
});

describe('baselineLineup', () => {
  it("draws each ghost in the colour of the run's same contestant, grey where the run lacks it, always finely dashed", () => {
    const shown = [{ key: 'adam', style: contestantStyle(0) }, { key: 'rmsprop', style: contestantStyle(1) }];
    const lineup = baselineLineup({ results: results(0.9) }, shown);
    expect(lineup.map((entry) => [entry.key, entry.name, entry.style])).toEqual([
      ['sgd', 'SGD', { color: BASELINE_GREY, dash: BASELINE_DASH }],
      ['adam', 'Adam', { color: contestantStyle(0).color, dash: BASELINE_DASH }],
    ]);
    expect(lineup[1].state.history).toEqual([metrics(1, 0.9)]);
  });
});
