import { describe, expect, it } from 'vitest';
import { defaultExperiment, type ExperimentConfig } from '../experiment/config';
import { defaultDraft, draftFromConfig } from '../experiment/draft';
import type { EpochMetrics } from '../experiment/metrics';
import { OPTIMIZER_IDS, type OptimizerId } from '../experiment/optimizers';
import { buildResults, type ExperimentResults } from '../experiment/resultsFile';
import type { BackendInfo, WorkerEvent } from '../train/protocol';
import { appendTrace, createPlaygroundStore, MAX_TRACE_POINTS, runToResults, type ResultsStore, type TrainingPort } from './playgroundStore';

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
function running(selected: OptimizerId[] = ['sgd', 'adam'], resultsStore = new FakeResultsStore()) {
  const ctx = setup(resultsStore);
  for (const id of OPTIMIZER_IDS) ctx.state().setSelected(id, selected.includes(id));
  ctx.send({ type: 'backend', backend: BACKEND });
  ctx.send(READY);
  ctx.state().train();
  const runId = ctx.state().run!.id;
  return { ...ctx, runId, saved: resultsStore.saved };
}

/** Results as a file would hold them: rmsprop and adagrad, adagrad stopped after one epoch. */
function fileResults(): ExperimentResults {
  const experiment = defaultExperiment();
  experiment.epochs = 2;
  experiment.seed = 9;
  experiment.optimizers = ['adagrad', 'rmsprop'];
  experiment.hyperparameters.rmsprop.learningRate = 0.003;
  return buildResults(experiment, { name: 'wasm', precision: 'float32' }, [
    { optimizer: 'adagrad', status: 'stopped', history: [metrics(1, 0.7)] },
    { optimizer: 'rmsprop', status: 'diverged', divergence: { epoch: 2, batch: 5 }, history: [metrics(1, 0.8)] },
  ]);
}

describe('playground store: keeping finished runs', () => {
  it('saves a finished live run exactly once, matching runToResults', () => {
    const { state, send, runId, saved } = running(['sgd', 'adam']);
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
    send({ type: 'runStatus', runId, optimizer: 'adam', status: 'training' });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'epoch', runId, optimizer: 'adam', metrics: metrics(1, 0.95) });
    expect(saved).toEqual([]);
    send({ type: 'runStatus', runId, optimizer: 'adam', status: 'diverged', divergence: { epoch: 2, batch: 4 } });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(2) });
    send({ type: 'runFinished', runId, outcome: 'done' });

    expect(state().run!.phase).toBe('finished');
    expect(saved).toHaveLength(1);
    const [results] = saved;
    const expected = runToResults(state().run!);
    expect({ ...results, exportedAt: '' }).toEqual({ ...expected, exportedAt: '' });
    expect(results.experiment).toEqual(state().run!.config);
    expect(results.experiment.optimizers).toEqual(['sgd', 'adam']);
    expect(results.backend).toEqual({ name: 'webgl', precision: 'float16' });
    expect(results.runs).toEqual([
      { optimizer: 'sgd', status: 'done', history: [metrics(1), metrics(2)] },
      { optimizer: 'adam', status: 'diverged', divergence: { epoch: 2, batch: 4 }, history: [metrics(1, 0.95)] },
    ]);
  });

  // KNOWN BUG (reported): runFinished/runFailed call keep(get().run) even when the event's runId
  // is not the current run (or the run had already ended), so a stale or repeated end event saves
  // the current run again, even one still running. it.fails: remove `.fails` once fixed.
  it('a repeated or stale end event does not save again', () => {
    const { send, runId, saved } = running(['sgd']);
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId, outcome: 'done' });
    send({ type: 'runFinished', runId, outcome: 'done' });
    expect(saved).toHaveLength(1);
  });

  it('a stale end event for an earlier run does not save the run in progress', () => {
    const { state, send, runId, saved } = running(['sgd']);
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId, outcome: 'done' });
    state().train();
    const next = state().run!.id;
    send({ type: 'epoch', runId: next, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runFailed', runId, message: 'late message from the first run' });
    expect(state().run!.phase).toBe('running');
    expect(saved).toHaveLength(1);
  });

  it('saves a run stopped by the user', () => {
    const { state, send, runId, saved } = running(['adam']);
    send({ type: 'epoch', runId, optimizer: 'adam', metrics: metrics(1) });
    state().stop();
    send({ type: 'runFinished', runId, outcome: 'stopped' });
    expect(saved).toHaveLength(1);
    expect(saved[0].runs).toEqual([{ optimizer: 'adam', status: 'stopped', history: [metrics(1)] }]);
  });

  it('saves a failed run that has finished epochs', () => {
    const { state, send, runId, saved } = running(['sgd', 'rmsprop']);
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runFailed', runId, message: 'out of memory' });
    expect(state().run!.phase).toBe('failed');
    expect(saved).toHaveLength(1);
    expect(saved[0].runs).toEqual([
      { optimizer: 'sgd', status: 'stopped', history: [metrics(1)] },
      { optimizer: 'rmsprop', status: 'stopped', history: [] },
    ]);
    expect(saved[0].experiment).toEqual(state().run!.config);
  });

  it('does not save a run without a finished epoch', () => {
    for (const end of [
      { type: 'runFinished', outcome: 'stopped' },
      { type: 'runFailed', message: 'boom' },
    ] as const) {
      const { state, send, runId, saved } = running(['sgd']);
      send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
      send({ ...end, runId } as WorkerEvent);
      expect(['finished', 'failed']).toContain(state().run!.phase);
      expect(saved).toEqual([]);
    }
  });

  it('a throwing results store does not break the store', () => {
    const { state, send, runId } = running(['sgd'], new FakeResultsStore(true));
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    expect(() => send({ type: 'runFinished', runId, outcome: 'done' })).not.toThrow();
    expect(state().run!.phase).toBe('finished');
    expect(state().run!.outcome).toBe('done');
    expect(state().run!.optimizers.sgd).toEqual({ status: 'done', history: [metrics(1)] });
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
    store.getState().handleEvent({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
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
    expect(Object.keys(run.optimizers).sort()).toEqual(['adagrad', 'rmsprop']);
    expect(run.optimizers.adagrad).toMatchObject({ status: 'stopped', history: [metrics(1, 0.7)] });
    expect(run.optimizers.rmsprop).toMatchObject({ status: 'diverged', divergence: { epoch: 2, batch: 5 }, history: [metrics(1, 0.8)] });
    expect(state().draft).toEqual(draftFromConfig(results.experiment));
    expect(state().draft.text.epochs).toBe('2');
    expect(state().draft.selected).toEqual(['adagrad', 'rmsprop']);
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
    expect(Object.keys(run.optimizers).sort()).toEqual(['adagrad', 'rmsprop']);
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
    expect(Object.keys(run.optimizers)).toEqual(['adagrad', 'rmsprop']);
    for (const id of ['adagrad', 'rmsprop'] as const) expect(run.optimizers[id]).toEqual({ status: 'queued', history: [] });
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
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId, outcome: 'done' });
    state().showResults(fileResults(), 'imported', 'x.json');
    const shown = state().run;
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(2) });
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
    let trace: ReturnType<typeof appendTrace> = [];
    for (let i = 1; i <= MAX_TRACE_POINTS + 1; i++) trace = appendTrace(trace, { position: i, trainLoss: 1 / i, trainAccuracy: 0.5 });
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
