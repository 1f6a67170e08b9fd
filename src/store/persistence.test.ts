import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, trainingContestants } from '../experiment/config';
import { contestantKey } from '../experiment/contestants';
import type { EpochMetrics } from '../experiment/metrics';
import { optimizerDefaults } from '../experiment/optimizers';
import { buildResults, parseResultsFile, resultsToJson, type ExperimentResults } from '../experiment/resultsFile';
import {
  BASELINE_KEY,
  BASELINE_SOURCE_KEY,
  browserResultsStore,
  keepFinishedRun,
  LAST_RESULTS_KEY,
  restoreBaseline,
  restoreSavedRun,
  SAVED_BASELINE_DROPPED,
  SAVED_RUN_DROPPED,
  type ResultsStore,
} from './persistence';
import { runToResults } from './runState';
import type { RunState } from './runState';

const V1_ARTICLE = readFileSync(new URL('../experiment/fixtures/results-v1-article.json', import.meta.url), 'utf8');
const V2_ADAMS = readFileSync(new URL('../experiment/fixtures/results-v2-adam-adam2.json', import.meta.url), 'utf8');

/** localStorage as far as persistence.ts uses it, with a log of what was asked of it. */
class FakeStorage implements Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  readonly items = new Map<string, string>();
  readonly calls: string[] = [];
  constructor(private readonly fail: { get?: boolean; set?: boolean; remove?: boolean } = {}) {}
  getItem(key: string): string | null {
    this.calls.push(`get ${key}`);
    if (this.fail.get) throw new DOMException('The operation is insecure.', 'SecurityError');
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.calls.push(`set ${key}`);
    if (this.fail.set) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.calls.push(`remove ${key}`);
    if (this.fail.remove) throw new DOMException('The operation is insecure.', 'SecurityError');
    this.items.delete(key);
  }
}

function saved(text: string, fail: ConstructorParameters<typeof FakeStorage>[0] = {}): FakeStorage {
  const storage = new FakeStorage(fail);
  storage.items.set(LAST_RESULTS_KEY, text);
  return storage;
}

function metrics(epoch: number): EpochMetrics {
  return { epoch, trainLoss: 0.5 / epoch, trainAccuracy: 0.85, testLoss: 0.4, testAccuracy: 0.9, seconds: 2, samplesPerSecond: 30_000 };
}

/** Adam beside Adam 2 (lr 0.01), as a finished live run. */
function liveRun(): RunState {
  const config = defaultExperiment();
  for (const c of config.contestants) c.selected = c.optimizer === 'adam';
  config.contestants.splice(2, 0, { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } });
  return {
    id: 3,
    source: 'live',
    config,
    phase: 'finished',
    outcome: 'done',
    backend: { name: 'wasm', precision: 'float32' },
    contestants: { adam: { status: 'done', history: [metrics(1)] }, adam2: { status: 'diverged', divergence: { epoch: 1, batch: 9 }, history: [metrics(1)] } },
  };
}

class FakeResultsStore implements ResultsStore {
  saved: ExperimentResults[] = [];
  constructor(private readonly fail = false) {}
  save(results: ExperimentResults) {
    if (this.fail) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.saved.push(results);
  }
}

describe('restoreSavedRun', () => {
  it('finds nothing in empty storage, and changes nothing', () => {
    const storage = new FakeStorage();
    expect(restoreSavedRun(storage)).toEqual({});
    expect(storage.calls).toEqual([`get ${LAST_RESULTS_KEY}`]);
    expect(restoreSavedRun(saved(''))).toEqual({});
  });

  it('opens a saved run of the current format (Adam beside Adam 2)', () => {
    const storage = saved(V2_ADAMS);
    const restored = restoreSavedRun(storage);
    expect(restored.notice).toBeUndefined();
    expect(restored.results).toEqual((parseResultsFile(V2_ADAMS) as { results: ExperimentResults }).results);
    expect(trainingContestants(restored.results!.experiment).map(contestantKey)).toEqual(['adam', 'adam2']);
    expect(restored.results!.experiment.network).toEqual({ hiddenLayers: [256, 256], activation: 'tanh' });
    expect(storage.items.get(LAST_RESULTS_KEY)).toBe(V2_ADAMS);
  });

  it('opens a saved run written by version 1 of the format, as the same experiment', () => {
    const storage = saved(V1_ARTICLE);
    const restored = restoreSavedRun(storage);
    expect(restored.notice).toBeUndefined();
    expect(restored.results!.experiment).toEqual(defaultExperiment());
    expect(restored.results!.runs.map((r) => r.contestant)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
    expect(restored.results!.runs[1].history).toStrictEqual(JSON.parse(V1_ARTICLE).runs[1].history);
    // Kept as it was: nothing is rewritten on read.
    expect(storage.items.get(LAST_RESULTS_KEY)).toBe(V1_ARTICLE);
    expect(storage.calls).toEqual([`get ${LAST_RESULTS_KEY}`]);
  });

  it.each([
    ['not JSON', '{"format": "optimizer-playground-res'],
    ['JSON of another kind', '{"hello": "world"}'],
    ['null', 'null'],
    ['an array', '[1, 2, 3]'],
    ['an unknown version', JSON.stringify({ ...JSON.parse(V2_ADAMS), version: 3 })],
    ['a version from the future', JSON.stringify({ format: 'optimizer-playground-results', version: 99, anything: { new: true } })],
    ['a damaged run', V2_ADAMS.replace('"testAccuracy": 0.9171', '"testAccuracy": 9.171')],
    ['invalid settings', V1_ARTICLE.replace('"learningRate": 0.01', '"learningRate": -1')],
    ['a prototype key', '{"__proto__": {"polluted": true}, "format": "optimizer-playground-results", "version": 2}'],
    ['a huge value', `"${'x'.repeat(5_000_001)}"`],
  ])('sets aside %s with a one-line notice, and never throws', (_, text) => {
    const storage = saved(text);
    let restored: ReturnType<typeof restoreSavedRun> | undefined;
    expect(() => (restored = restoreSavedRun(storage))).not.toThrow();
    expect(restored).toEqual({ notice: SAVED_RUN_DROPPED });
    expect(storage.items.has(LAST_RESULTS_KEY)).toBe(false);
    expect(storage.calls).toEqual([`get ${LAST_RESULTS_KEY}`, `remove ${LAST_RESULTS_KEY}`]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The next visit starts clean.
    expect(restoreSavedRun(storage)).toEqual({});
  });

  it('the notice is one short plain line', () => {
    expect(SAVED_RUN_DROPPED).not.toContain('\n');
    expect(SAVED_RUN_DROPPED.length).toBeLessThan(160);
    expect(SAVED_RUN_DROPPED).toMatch(/set aside/);
  });

  it('storage that throws on read restores nothing, silently', () => {
    const storage = saved(V2_ADAMS, { get: true });
    expect(() => restoreSavedRun(storage)).not.toThrow();
    expect(restoreSavedRun(storage)).toEqual({});
    expect(storage.items.get(LAST_RESULTS_KEY)).toBe(V2_ADAMS);
  });

  it('storage that throws on remove still gives the notice, and does not throw', () => {
    const storage = saved('garbage', { remove: true });
    let restored: ReturnType<typeof restoreSavedRun> | undefined;
    expect(() => (restored = restoreSavedRun(storage))).not.toThrow();
    expect(restored).toEqual({ notice: SAVED_RUN_DROPPED });
  });
});

describe('browserResultsStore and keepFinishedRun', () => {
  it('saves a results file under LAST_RESULTS_KEY that restoreSavedRun reads back', () => {
    const storage = new FakeStorage();
    const results = buildResults(liveRun().config, { name: 'wasm', precision: 'float32' }, [
      { contestant: 'adam', seed: 42, status: 'done', history: [metrics(1)] },
      { contestant: 'adam2', seed: 42, status: 'done', history: [metrics(1)] },
    ]);
    browserResultsStore(storage).save(results);
    expect(storage.items.get(LAST_RESULTS_KEY)).toBe(resultsToJson(results));
    expect(restoreSavedRun(storage)).toEqual({ results });
  });

  it('keeps a finished live run with at least one epoch, runs keyed by contestant', () => {
    const store = new FakeResultsStore();
    keepFinishedRun(store, liveRun());
    expect(store.saved).toHaveLength(1);
    expect(store.saved[0].runs).toEqual([
      { contestant: 'adam', seed: 42, status: 'done', history: [metrics(1)] },
      { contestant: 'adam2', seed: 42, status: 'diverged', divergence: { epoch: 1, batch: 9 }, history: [metrics(1)] },
    ]);
    expect(store.saved[0].experiment).toEqual(liveRun().config);
  });

  it('keeps nothing without a store, a run, a live source or a finished epoch', () => {
    const store = new FakeResultsStore();
    keepFinishedRun(undefined, liveRun());
    keepFinishedRun(store, undefined);
    keepFinishedRun(store, { ...liveRun(), source: 'imported' });
    keepFinishedRun(store, { ...liveRun(), source: 'restored' });
    keepFinishedRun(store, { ...liveRun(), contestants: { adam: { status: 'stopped', history: [] }, adam2: { status: 'queued', history: [] } } });
    expect(store.saved).toEqual([]);
  });

  it('a store that throws (quota, privacy mode) does not break anything', () => {
    expect(() => keepFinishedRun(new FakeResultsStore(true), liveRun())).not.toThrow();
    expect(() => keepFinishedRun(browserResultsStore(new FakeStorage({ set: true })), liveRun())).not.toThrow();
  });
});

describe('the pinned baseline across reloads', () => {
  it('is kept as a results file with the name of its file, read back through the migrating reader, and forgotten when unpinned', () => {
    const storage = new FakeStorage();
    const store = browserResultsStore(storage);
    const results = runToResults(liveRun());
    store.keepBaseline!({ results, sourceName: 'monday.json' });
    expect(parseResultsFile(storage.items.get(BASELINE_KEY)!, 'x')).toEqual({ ok: true, results });
    expect(restoreBaseline(storage)).toEqual({ baseline: { results, sourceName: 'monday.json' } });
    // A run trained here has no file name; pinning it drops the previous one's.
    store.keepBaseline!({ results });
    expect(restoreBaseline(storage)).toEqual({ baseline: { results } });
    store.keepBaseline!(undefined);
    expect([...storage.items.keys()]).toEqual([]);
    expect(restoreBaseline(storage)).toEqual({});
  });

  it('keeps the last run apart: pinning and unpinning never touch it', () => {
    const storage = saved(V2_ADAMS);
    browserResultsStore(storage).keepBaseline!({ results: runToResults(liveRun()) });
    browserResultsStore(storage).keepBaseline!(undefined);
    expect(storage.items.get(LAST_RESULTS_KEY)).toBe(V2_ADAMS);
  });

  it('opens an older format (a v1 file pinned long ago) as the current one', () => {
    const storage = new FakeStorage();
    storage.items.set(BASELINE_KEY, V1_ARTICLE);
    const { baseline } = restoreBaseline(storage);
    expect(baseline?.results.runs.map((r) => r.contestant)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
  });

  it('unpins one this version cannot read, with a one-line notice, and never throws', () => {
    const storage = new FakeStorage();
    storage.items.set(BASELINE_KEY, '{"format": "something else"}');
    storage.items.set(BASELINE_SOURCE_KEY, 'monday.json');
    expect(restoreBaseline(storage)).toEqual({ notice: SAVED_BASELINE_DROPPED });
    expect([...storage.items.keys()]).toEqual([]);
    expect(restoreBaseline(new FakeStorage({ get: true }))).toEqual({});
  });
});
