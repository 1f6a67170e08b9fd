import { describe, expect, it } from 'vitest';
import { defaultExperiment, trainingContestants, type ExperimentConfig } from '../experiment/config';
import { defaultDraft, draftFromConfig } from '../experiment/draft';
import type { EpochMetrics } from '../experiment/metrics';
import { contestantKey, type Contestant } from '../experiment/contestants';
import { OPTIMIZER_IDS, optimizerDefaults } from '../experiment/optimizers';
import { buildResults, type ExperimentResults } from '../experiment/resultsFile';
import type { BackendInfo, WorkerEvent } from '../train/protocol';
import { appendTrace, createPlaygroundStore, MAX_TRACE_POINTS, runToResults, type ResultsStore, type TrainingPort } from './playgroundStore';
import type { TracePoint } from './runState';

class FakePort implements TrainingPort {
  loads = 0;
  trains: { runId: number; config: ExperimentConfig }[] = [];
  stops: number[] = [];
  load() {
    this.loads++;
  }
  train(runId: number, config: ExperimentConfig) {
    this.trains.push({ runId, config });
  }
  stop(runId: number) {
    this.stops.push(runId);
  }
}

class FakeResultsStore implements ResultsStore {
  saved: ExperimentResults[] = [];
  constructor(private readonly fail = false) {}
  save(results: ExperimentResults) {
    if (this.fail) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.saved.push(structuredClone(results));
  }
}

const BACKEND: BackendInfo = { name: 'webgl', reason: 'A GPU is available.', precision: 'float16' };
const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1.5 };

function metrics(epoch: number, testAccuracy = 0.9): EpochMetrics {
  return { epoch, trainLoss: 0.5 / epoch, trainAccuracy: 0.85, testLoss: 0.4, testAccuracy, seconds: 2, samplesPerSecond: 30_000 };
}

function setup(resultsStore: ResultsStore = new FakeResultsStore()) {
  const port = new FakePort();
  const store = createPlaygroundStore(port, {}, resultsStore);
  const state = () => store.getState();
  const send = (event: WorkerEvent) => state().handleEvent(event);
  return { port, store, state, send, resultsStore };
}

/** Data ready, backend known, a run of `selected` started. */
function running(selected: string[] = ['sgd', 'adam'], resultsStore = new FakeResultsStore()) {
  const ctx = setup(resultsStore);
  if (selected.includes('adam2')) ctx.state().addContestant('adam');
  for (const c of ctx.state().draft.contestants) ctx.state().setSelected(contestantKey(c), selected.includes(contestantKey(c)));
  ctx.send({ type: 'backend', backend: BACKEND });
  ctx.send(READY);
  ctx.state().train();
  const runId = ctx.state().run!.id;
  return { ...ctx, runId, saved: resultsStore.saved };
}

/** A contestant of a config by key ("adam", "adam2"). */
function contestant(config: ExperimentConfig, key: string): Contestant {
  const found = config.contestants.find((c) => contestantKey(c) === key);
  if (!found) throw new Error(`no contestant ${key}`);
  return found;
}

/** The keys of the contestants a config trains. */
const trained = (config: ExperimentConfig): string[] => trainingContestants(config).map(contestantKey);

/** Results as a file would hold them: rmsprop and adagrad, adagrad stopped after one epoch. */
function fileResults(): ExperimentResults {
  const experiment = defaultExperiment();
  experiment.epochs = 2;
  experiment.seed = 9;
  for (const c of experiment.contestants) c.selected = c.optimizer === 'adagrad' || c.optimizer === 'rmsprop';
  contestant(experiment, 'rmsprop').hyperparameters.learningRate = 0.003;
  return buildResults(experiment, { name: 'wasm', precision: 'float32' }, [
    { contestant: 'adagrad', seed: 9, status: 'stopped', history: [metrics(1, 0.7)] },
    { contestant: 'rmsprop', seed: 9, status: 'diverged', divergence: { epoch: 2, batch: 5 }, history: [metrics(1, 0.8)] },
  ]);
}

describe('playground store: keeping finished runs', () => {
  it('saves a finished live run exactly once, matching runToResults', () => {
    const { state, send, runId, saved } = running(['sgd', 'adam']);
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'runStatus', runId, contestant: 'adam', status: 'training' });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'epoch', runId, contestant: 'adam', metrics: metrics(1, 0.95) });
    expect(saved).toEqual([]);
    send({ type: 'runStatus', runId, contestant: 'adam', status: 'diverged', divergence: { epoch: 2, batch: 4 } });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(2) });
    send({ type: 'runFinished', runId, outcome: 'done' });

    expect(state().run!.phase).toBe('finished');
    expect(saved).toHaveLength(1);
    const [results] = saved;
    const expected = runToResults(state().run!);
    expect({ ...results, exportedAt: '' }).toEqual({ ...expected, exportedAt: '' });
    expect(results.experiment).toEqual(state().run!.config);
    expect(trained(results.experiment)).toEqual(['sgd', 'adam']);
    expect(results.backend).toEqual({ name: 'webgl', precision: 'float16' });
    expect(results.runs).toEqual([
      { contestant: 'sgd', seed: 42, status: 'done', history: [metrics(1), metrics(2)] },
      { contestant: 'adam', seed: 42, status: 'diverged', divergence: { epoch: 2, batch: 4 }, history: [metrics(1, 0.95)] },
    ]);
  });

  // End events count once, and only for the run in progress.
  it('a repeated or stale end event does not save again', () => {
    const { send, runId, saved } = running(['sgd']);
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId, outcome: 'done' });
    send({ type: 'runFinished', runId, outcome: 'done' });
    expect(saved).toHaveLength(1);
  });

  it('a stale end event for an earlier run does not save the run in progress', () => {
    const { state, send, runId, saved } = running(['sgd']);
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId, outcome: 'done' });
    state().train();
    const next = state().run!.id;
    send({ type: 'epoch', runId: next, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runFailed', runId, message: 'late message from the first run' });
    expect(state().run!.phase).toBe('running');
    expect(saved).toHaveLength(1);
  });

  it('saves a run stopped by the user', () => {
    const { state, send, runId, saved } = running(['adam']);
    send({ type: 'epoch', runId, contestant: 'adam', metrics: metrics(1) });
    state().stop();
    send({ type: 'runFinished', runId, outcome: 'stopped' });
    expect(saved).toHaveLength(1);
    expect(saved[0].runs).toEqual([{ contestant: 'adam', seed: 42, status: 'stopped', history: [metrics(1)] }]);
  });

  it('saves a failed run that has finished epochs', () => {
    const { state, send, runId, saved } = running(['sgd', 'rmsprop']);
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runFailed', runId, message: 'out of memory' });
    expect(state().run!.phase).toBe('failed');
    expect(saved).toHaveLength(1);
    expect(saved[0].runs).toEqual([
      { contestant: 'sgd', seed: 42, status: 'stopped', history: [metrics(1)] },
      { contestant: 'rmsprop', seed: 42, status: 'stopped', history: [] },
    ]);
    expect(saved[0].experiment).toEqual(state().run!.config);
  });

  it('does not save a run without a finished epoch', () => {
    for (const end of [
      { type: 'runFinished', outcome: 'stopped' },
      { type: 'runFailed', message: 'boom' },
    ] as const) {
      const { state, send, runId, saved } = running(['sgd']);
      send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
      send({ ...end, runId } as WorkerEvent);
      expect(['finished', 'failed']).toContain(state().run!.phase);
      expect(saved).toEqual([]);
    }
  });

  it('a throwing results store does not break the store', () => {
    const { state, send, runId } = running(['sgd'], new FakeResultsStore(true));
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    expect(() => send({ type: 'runFinished', runId, outcome: 'done' })).not.toThrow();
    expect(state().run!.phase).toBe('finished');
    expect(state().run!.outcome).toBe('done');
    expect(state().run!.contestants.sgd).toEqual({ status: 'done', history: [metrics(1)] });
    expect(state().notice).toBeUndefined();
    // And training still works afterwards.
    state().train();
    expect(state().run!.phase).toBe('running');
    expect(state().run!.id).not.toBe(runId);
  });

  it('works without a results store', () => {
    const port = new FakePort();
    const store = createPlaygroundStore(port);
    store.getState().handleEvent(READY);
    store.getState().train();
    const runId = store.getState().run!.id;
    store.getState().handleEvent({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    expect(() => store.getState().handleEvent({ type: 'runFinished', runId, outcome: 'done' })).not.toThrow();
    expect(store.getState().run!.phase).toBe('finished');
  });

  it('does not save imported or restored results again', () => {
    const resultsStore = new FakeResultsStore();
    const { state } = setup(resultsStore);
    state().showResults(fileResults(), 'imported', 'x.json');
    state().showResults(fileResults(), 'restored');
    expect(resultsStore.saved).toEqual([]);
  });
});

describe('playground store: showResults and showNotice', () => {
  it("showResults 'imported' shows the file's run and takes its settings into the form", () => {
    const { state, port } = setup();
    state().setText(null, 'epochs', '9');
    state().showNotice('an older notice');
    const results = fileResults();
    state().showResults(results, 'imported', 'x.json');

    const run = state().run!;
    expect(run.source).toBe('imported');
    expect(run.sourceName).toBe('x.json');
    expect(run.phase).toBe('finished');
    expect(run.outcome).toBe('stopped');
    expect(run.config).toEqual(results.experiment);
    expect(run.backend).toEqual({ name: 'wasm', precision: 'float32' });
    expect(Object.keys(run.contestants).sort()).toEqual(['adagrad', 'rmsprop']);
    expect(run.contestants.adagrad).toMatchObject({ status: 'stopped', history: [metrics(1, 0.7)] });
    expect(run.contestants.rmsprop).toMatchObject({ status: 'diverged', divergence: { epoch: 2, batch: 5 }, history: [metrics(1, 0.8)] });
    expect(state().draft).toEqual(draftFromConfig(results.experiment));
    expect(state().draft.text.epochs).toBe('2');
    expect(state().draft.contestants.filter((c) => c.selected).map(contestantKey)).toEqual(['adagrad', 'rmsprop']);
    expect(state().notice).toBeUndefined();
    // Nothing is sent to the worker.
    expect(port.trains).toEqual([]);
    expect(port.stops).toEqual([]);
  });

  it("outcome is 'done' when every run is done or diverged", () => {
    const { state } = setup();
    const results = fileResults();
    results.runs[0] = { ...results.runs[0], status: 'done' };
    state().showResults(results, 'imported', 'done.json');
    expect(state().run!.outcome).toBe('done');
  });

  it("showResults 'restored' keeps the current draft", () => {
    const { state } = setup();
    state().setText(null, 'epochs', '9');
    state().setSelected('sgd', false);
    const draft = state().draft;
    const results = fileResults();
    state().showResults(results, 'restored');
    const run = state().run!;
    expect(run.source).toBe('restored');
    expect(run.sourceName).toBeUndefined();
    expect(run.phase).toBe('finished');
    expect(run.config).toEqual(results.experiment);
    expect(Object.keys(run.contestants).sort()).toEqual(['adagrad', 'rmsprop']);
    expect(state().draft).toBe(draft);
    expect(state().draft.text.epochs).toBe('9');
  });

  it('a null backend in the file leaves the run without a backend', () => {
    const { state } = setup();
    const results = { ...fileResults(), backend: null };
    state().showResults(results, 'imported', 'nobackend.json');
    expect(state().run!.backend).toBeUndefined();
  });

  it('showResults is refused while a run is running or stopping, and changes nothing', () => {
    const { state, port, runId } = running(['sgd']);
    for (const phase of ['running', 'stopping'] as const) {
      if (phase === 'stopping') state().stop();
      expect(state().run!.phase).toBe(phase);
      const before = { run: state().run, draft: state().draft, view: state().view, data: state().data };
      state().showResults(fileResults(), 'imported', 'x.json');
      expect(state().notice).toMatch(/stop/i);
      expect(state().run).toBe(before.run);
      expect(state().run!.id).toBe(runId);
      expect(state().run!.source).toBe('live');
      expect(state().draft).toBe(before.draft);
      expect(state().view).toBe(before.view);
      expect(state().data).toBe(before.data);
      state().dismissNotice();
    }
    expect(port.trains).toHaveLength(1);
  });

  it('after showResults, train() starts a live run as usual', () => {
    const { state, send, port } = setup();
    send(READY);
    const results = fileResults();
    state().showResults(results, 'imported', 'x.json');
    const shownId = state().run!.id;
    state().train();
    const run = state().run!;
    expect(run.source).toBe('live');
    expect(run.sourceName).toBeUndefined();
    expect(run.phase).toBe('running');
    expect(run.id).not.toBe(shownId);
    // The draft came from the file, so the live run reproduces its settings.
    expect(run.config).toEqual(results.experiment);
    expect(run.config).not.toBe(results.experiment);
    expect(Object.keys(run.contestants)).toEqual(['adagrad', 'rmsprop']);
    for (const id of ['adagrad', 'rmsprop'] as const) expect(run.contestants[id]).toEqual({ status: 'queued', history: [] });
    expect(port.trains).toEqual([{ runId: run.id, config: results.experiment }]);
  });

  it('after a restored run, train() uses the current draft', () => {
    const { state, send, port } = setup();
    send(READY);
    state().showResults(fileResults(), 'restored');
    state().train();
    expect(state().run!.source).toBe('live');
    expect(port.trains[0].config).toEqual(defaultExperiment());
    expect(state().draft).toEqual(defaultDraft());
  });

  it('events for a live run that was replaced by shown results are ignored', () => {
    const { state, send, runId, saved } = running(['sgd']);
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId, outcome: 'done' });
    state().showResults(fileResults(), 'imported', 'x.json');
    const shown = state().run;
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(2) });
    send({ type: 'runFinished', runId, outcome: 'done' });
    expect(state().run).toBe(shown);
    expect(saved).toHaveLength(1);
  });

  it('showNotice sets the notice and changes nothing else', () => {
    const { state } = setup();
    const before = { run: state().run, draft: state().draft, data: state().data };
    state().showNotice('x.json is not valid JSON. Nothing was changed.');
    expect(state().notice).toBe('x.json is not valid JSON. Nothing was changed.');
    expect(state().run).toBe(before.run);
    expect(state().draft).toBe(before.draft);
    expect(state().data).toBe(before.data);
    state().showNotice('<script>alert(1)</script>');
    expect(state().notice).toBe('<script>alert(1)</script>');
    state().dismissNotice();
    expect(state().notice).toBeUndefined();
  });

  it('a later showResults clears an earlier notice', () => {
    const { state } = setup();
    state().showNotice('bad file');
    state().showResults(fileResults(), 'imported', 'good.json');
    expect(state().notice).toBeUndefined();
  });
});

describe('live training trace', () => {
  it('thins old points beyond the cap and always keeps the newest', () => {
    let trace: TracePoint[] = [];
    for (let i = 1; i <= MAX_TRACE_POINTS + 1; i++) trace = appendTrace(trace, { position: i, trainLoss: 1 / i, trainAccuracy: 0.5, seconds: i });
    expect(trace.length).toBeLessThanOrEqual(MAX_TRACE_POINTS);
    expect(trace.length).toBeGreaterThan(MAX_TRACE_POINTS / 3);
    expect(trace.at(-1)!.position).toBe(MAX_TRACE_POINTS + 1);
    expect(trace.every((p, i) => i === 0 || p.position > trace[i - 1].position)).toBe(true);
  });
});

describe('backend preference', () => {
  it('reloads the workers with the chosen backend, and refuses while a run is in progress', () => {
    const requested: string[] = [];
    const port: TrainingPort = { load: (backend) => requested.push(backend), train: () => {}, stop: () => {} };
    const store = createPlaygroundStore(port);
    store.getState().startLoading();
    expect(requested).toEqual(['auto']);
    store.getState().handleEvent(READY);
    store.getState().setBackendPreference('wasm');
    expect(requested).toEqual(['auto', 'wasm']);
    expect(store.getState().data.status).toBe('loading');
    expect(store.getState().backendPreference).toBe('wasm');

    store.getState().handleEvent(READY);
    store.getState().train();
    store.getState().setBackendPreference('cpu');
    expect(requested).toEqual(['auto', 'wasm']);
    expect(store.getState().backendPreference).toBe('wasm');
    // A retry keeps the user's choice.
    store.getState().startLoading();
    expect(requested.at(-1)).toBe('wasm');
  });
});

describe('playground store: results with two contestants of one optimizer', () => {
  /** A file's results: Adam beside Adam 2 (lr 0.01) on a 2 x 256 tanh network. */
  function twoAdams(): ExperimentResults {
    const experiment = defaultExperiment();
    experiment.epochs = 2;
    experiment.network = { hiddenLayers: [256, 256], activation: 'tanh' };
    for (const c of experiment.contestants) c.selected = c.optimizer === 'adam';
    experiment.contestants.splice(2, 0, { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } });
    return buildResults(experiment, { name: 'wasm', precision: 'float32' }, [
      { contestant: 'adam', seed: 42, status: 'done', history: [metrics(1), metrics(2)] },
      { contestant: 'adam2', seed: 42, status: 'diverged', divergence: { epoch: 2, batch: 3 }, history: [metrics(1, 0.5)] },
    ]);
  }

  it('saves a finished run of Adam and Adam 2 with runs keyed by contestant, in the run order', () => {
    const { state, send, runId, saved } = running(['sgd', 'adam', 'adam2']);
    send({ type: 'epoch', runId, contestant: 'adam2', metrics: metrics(1, 0.6) });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runStatus', runId, contestant: 'adam', status: 'diverged', divergence: { epoch: 1, batch: 2 } });
    send({ type: 'runFinished', runId, outcome: 'done' });
    expect(saved).toHaveLength(1);
    expect(trained(saved[0].experiment)).toEqual(['sgd', 'adam', 'adam2']);
    expect(saved[0].runs).toEqual([
      { contestant: 'sgd', seed: 42, status: 'done', history: [metrics(1)] },
      { contestant: 'adam', seed: 42, status: 'diverged', divergence: { epoch: 1, batch: 2 }, history: [] },
      { contestant: 'adam2', seed: 42, status: 'done', history: [metrics(1, 0.6)] },
    ]);
    expect({ ...saved[0], exportedAt: '' }).toEqual({ ...runToResults(state().run!), exportedAt: '' });
  });

  it("showResults 'imported' takes Adam 2 and the network into the form, and Train reproduces them", () => {
    const { state, send, port } = setup();
    send(READY);
    const results = twoAdams();
    state().showResults(results, 'imported', 'adams.json');
    const run = state().run!;
    expect(Object.keys(run.contestants)).toEqual(['adam', 'adam2']);
    expect(run.contestants.adam2).toEqual({ status: 'diverged', divergence: { epoch: 2, batch: 3 }, history: [metrics(1, 0.5)] });
    expect(run.outcome).toBe('done');
    expect(state().draft.contestants.map(contestantKey)).toEqual(OPTIMIZER_IDS.flatMap((id): string[] => (id === 'adam' ? ['adam', 'adam2'] : [id])));
    expect(state().draft.text['adam2.learningRate']).toBe('0.01');
    expect(state().draft.text.hiddenLayers).toBe('2');
    expect(state().draft.choices.activation).toBe('tanh');
    state().train();
    expect(port.trains).toHaveLength(1);
    expect(port.trains[0].config).toEqual(results.experiment);
    expect(Object.keys(state().run!.contestants)).toEqual(['adam', 'adam2']);
  });
});

describe('playground store: several seeds', () => {
  it('keeps every seed of a live run apart, and exports and reopens each', () => {
    const ctx = setup();
    ctx.state().setText(null, 'seeds', '2');
    for (const c of ctx.state().draft.contestants) ctx.state().setSelected(contestantKey(c), c.optimizer === 'adam' && c.ordinal === 1);
    ctx.send({ type: 'backend', backend: BACKEND });
    ctx.send(READY);
    ctx.state().train();
    const runId = ctx.state().run!.id;
    expect(Object.keys(ctx.state().run!.contestants)).toEqual(['adam', 'adam+1']);
    ctx.send({ type: 'epoch', runId, contestant: 'adam', metrics: metrics(1, 0.9) });
    ctx.send({ type: 'epoch', runId, contestant: 'adam+1', metrics: metrics(1, 0.92) });
    ctx.send({ type: 'runFinished', runId, outcome: 'done' });
    const results = runToResults(ctx.state().run!);
    expect(results.experiment.seeds).toBe(2);
    expect(results.runs.map((r) => [r.contestant, r.seed, r.status, r.history[0].testAccuracy])).toEqual([
      ['adam', 42, 'done', 0.9],
      ['adam', 43, 'done', 0.92],
    ]);
    // Opened again, each seed lands where the live run had it.
    const again = setup();
    again.state().showResults(results, 'imported', 'seeds.json');
    expect(again.state().run!.contestants).toEqual(ctx.state().run!.contestants);
    expect(runToResults(again.state().run!).runs).toEqual(results.runs);
  });
});
