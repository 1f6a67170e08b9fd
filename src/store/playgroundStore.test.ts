import { describe, expect, it } from 'vitest';
import { trainingContestants, type ExperimentConfig } from '../experiment/config';
import { contestantKey, MAX_CONTESTANTS, type Contestant } from '../experiment/contestants';
import { defaultDraft, fieldKey, resolveDraft, type Draft } from '../experiment/draft';
import type { EpochMetrics } from '../experiment/metrics';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from '../experiment/optimizers';
import type { BackendInfo, RunPacingSettings, WorkerEvent } from '../train/protocol';
import { createPlaygroundStore, TRAINING_WORKER, WORKER_CANNOT_START, type TrainingPort } from './playgroundStore';

type Call =
  | { kind: 'load' }
  | { kind: 'train'; runId: number; config: ExperimentConfig; pacing?: RunPacingSettings }
  | { kind: 'stop'; runId: number }
  | { kind: 'pace'; runId: number; action: string; batchesPerSecond?: number | null };

class FakePort implements TrainingPort {
  calls: Call[] = [];
  load() {
    this.calls.push({ kind: 'load' });
  }
  train(runId: number, config: ExperimentConfig, pacing?: RunPacingSettings) {
    this.calls.push({ kind: 'train', runId, config, pacing });
  }
  pace(runId: number, action: string, batchesPerSecond?: number | null) {
    this.calls.push({ kind: 'pace', runId, action, ...(batchesPerSecond !== undefined ? { batchesPerSecond } : {}) });
  }
  stop(runId: number) {
    this.calls.push({ kind: 'stop', runId });
  }
  get trains() {
    return this.calls.filter((c): c is Extract<Call, { kind: 'train' }> => c.kind === 'train');
  }
}

const BACKEND: BackendInfo = { name: 'wasm', reason: 'WebGL is not available.', precision: 'float32' };
const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1.5 };

function metrics(epoch: number, testAccuracy = 0.9): EpochMetrics {
  return { epoch, trainLoss: 0.5, trainAccuracy: 0.85, testLoss: 0.4, testAccuracy, seconds: 2, samplesPerSecond: 30_000 };
}

function setup() {
  const port = new FakePort();
  const store = createPlaygroundStore(port);
  const state = () => store.getState();
  const send = (event: WorkerEvent) => state().handleEvent(event);
  return { port, store, state, send };
}

/** The keys of the ticked contestants of a draft, in order. */
const ticked = (draft: Draft): string[] => draft.contestants.filter((c) => c.selected).map(contestantKey);

/** The keys of the contestants a config trains. */
const trained = (config: ExperimentConfig): string[] => trainingContestants(config).map(contestantKey);

/** A contestant of a config by key ("adam", "adam2"). */
function contestant(config: ExperimentConfig, key: string): Contestant {
  const found = config.contestants.find((c) => contestantKey(c) === key);
  if (!found) throw new Error(`no contestant ${key}`);
  return found;
}

/** A store whose data is ready and which has started one run with `selected` (keys; "adam2" is added first). */
function running(selected: string[] = ['sgd', 'adam']) {
  const ctx = setup();
  if (selected.includes('adam2')) ctx.state().addContestant('adam');
  for (const c of ctx.state().draft.contestants) ctx.state().setSelected(contestantKey(c), selected.includes(contestantKey(c)));
  ctx.send(READY);
  ctx.state().train();
  const runId = ctx.state().run!.id;
  return { ...ctx, runId };
}

describe('playground store: initial state and editing', () => {
  it('starts with the default draft, loading data, and no run', () => {
    const { state, port } = setup();
    expect(state().draft).toEqual(defaultDraft());
    expect(state().data).toEqual({ status: 'loading' });
    expect(state().run).toBeUndefined();
    expect(state().notice).toBeUndefined();
    expect(port.calls).toEqual([]);
  });

  it('uses an initial draft when given one', () => {
    const draft = defaultDraft();
    draft.text.epochs = '2';
    const store = createPlaygroundStore(new FakePort(), { draft });
    expect(store.getState().draft.text.epochs).toBe('2');
  });

  it('setText writes training and optimizer fields under their field keys', () => {
    const { state } = setup();
    state().setText(null, 'epochs', '7');
    state().setText('adam', 'learningRate', '1e-');
    expect(state().draft.text.epochs).toBe('7');
    expect(state().draft.text['adam.learningRate']).toBe('1e-');
  });

  it('setText replaces the draft object rather than mutating it', () => {
    const { state } = setup();
    const before = state().draft;
    state().setText(null, 'epochs', '7');
    expect(before.text.epochs).toBe('5');
    expect(state().draft).not.toBe(before);
  });

  it('setFlag writes switches', () => {
    const { state } = setup();
    state().setFlag('sgd', 'nesterov', true);
    expect(state().draft.flags['sgd.nesterov']).toBe(true);
  });

  it('setSelected keeps catalog order', () => {
    const { state } = setup();
    for (const id of OPTIMIZER_IDS) state().setSelected(id, false);
    expect(ticked(state().draft)).toEqual([]);
    state().setSelected('rmsprop', true);
    state().setSelected('adam', true);
    state().setSelected('sgd', true);
    expect(ticked(state().draft)).toEqual(['sgd', 'adam', 'rmsprop']);
    state().setSelected('adam', false);
    expect(ticked(state().draft)).toEqual(['sgd', 'rmsprop']);
    state().setSelected('sgd', true); // already selected: no duplicate
    expect(ticked(state().draft)).toEqual(['sgd', 'rmsprop']);
    expect(state().draft.contestants).toHaveLength(OPTIMIZER_IDS.length);
  });

  it('resetContestant restores Keras defaults for that contestant only', () => {
    const { state } = setup();
    state().setText('adam', 'learningRate', 'junk');
    state().setText('adam', 'beta1', '0.5');
    state().setFlag('adam', 'amsgrad', true);
    state().setText('sgd', 'learningRate', '0.3');
    state().setFlag('sgd', 'nesterov', true);
    state().setText(null, 'epochs', '9');

    state().resetContestant('adam');

    const { text, flags } = state().draft;
    const defaults = optimizerDefaults('adam');
    for (const spec of OPTIMIZERS.adam.parameters) {
      const key = fieldKey('adam', spec.key);
      if (spec.kind === 'boolean') expect(flags[key]).toBe(defaults[spec.key]);
      else expect(text[key]).toBe(String(defaults[spec.key]));
    }
    expect(text['adam.learningRate']).toBe('0.001');
    expect(flags['adam.amsgrad']).toBe(false);
    expect(text['sgd.learningRate']).toBe('0.3');
    expect(flags['sgd.nesterov']).toBe(true);
    expect(text.epochs).toBe('9');
  });

  it('resetContestant does not change the selection', () => {
    const { state } = setup();
    state().setSelected('adam', false);
    state().resetContestant('adam');
    expect(ticked(state().draft)).not.toContain('adam');
  });

  it('addContestant adds Adam 2 at Keras defaults, ticked; its fields are its own', () => {
    const { state } = setup();
    state().addContestant('adam');
    expect(state().draft.contestants.map(contestantKey)).toEqual(OPTIMIZER_IDS.flatMap((id): string[] => (id === 'adam' ? ['adam', 'adam2'] : [id])));
    expect(ticked(state().draft)).toContain('adam2');
    expect(state().draft.text['adam2.learningRate']).toBe('0.001');
    state().setText('adam2', 'learningRate', '0.01');
    state().setFlag('adam2', 'amsgrad', true);
    expect(state().draft.text['adam2.learningRate']).toBe('0.01');
    expect(state().draft.text['adam.learningRate']).toBe('0.001');
    expect(state().draft.flags['adam2.amsgrad']).toBe(true);
    expect(state().draft.flags['adam.amsgrad']).toBe(false);
    state().resetContestant('adam2');
    expect(state().draft.text['adam2.learningRate']).toBe('0.001');
    expect(state().draft.flags['adam2.amsgrad']).toBe(false);
  });

  it('removeContestant takes Adam 2 and its fields away; the first Adam stays', () => {
    const { state } = setup();
    state().addContestant('adam');
    state().setText('adam2', 'learningRate', '0.01');
    state().removeContestant('adam2');
    state().removeContestant('adam');
    expect(state().draft).toEqual(defaultDraft());
  });

  it('addContestant does nothing once 12 contestants are ticked', () => {
    const { state } = setup();
    for (let i = ticked(state().draft).length; i < MAX_CONTESTANTS; i++) state().addContestant('sgd');
    const full = state().draft;
    expect(ticked(full)).toHaveLength(12);
    state().addContestant('adam');
    expect(state().draft).toBe(full);
  });

  it('setChoice writes the activation; the hidden-layer fields are text like the rest', () => {
    const { state } = setup();
    state().setChoice('activation', 'tanh');
    state().setText(null, 'hiddenLayers', '2');
    state().setText(null, 'layer2Units', '256');
    expect(state().draft.choices.activation).toBe('tanh');
    expect(resolveDraft(state().draft).config!.network).toEqual({ hiddenLayers: [128, 256], activation: 'tanh' });
  });
});

describe('playground store: chart view', () => {
  it('toggles a contestant hidden and shown again; a new X axis drops the zoom, whose units it had', () => {
    const { state } = setup();
    state().toggleHidden('adadelta');
    state().toggleHidden('adam2');
    expect(state().view.hidden).toEqual(['adadelta', 'adam2']);
    state().toggleHidden('adadelta');
    expect(state().view.hidden).toEqual(['adam2']);

    state().setView({ zoom: [2, 3] });
    state().setView({ smoothing: 0.9 });
    expect(state().view).toMatchObject({ zoom: [2, 3], smoothing: 0.9, xAxis: 'epochs' });
    state().setView({ xAxis: 'examples' });
    expect(state().view).toMatchObject({ zoom: null, xAxis: 'examples' });
    // Both at once (a link's view): the zoom given is in the new axis's units.
    state().setView({ xAxis: 'seconds', zoom: [1, 4] });
    expect(state().view).toMatchObject({ zoom: [1, 4], xAxis: 'seconds' });
  });
});

describe('playground store: data and backend events', () => {
  it('startLoading calls port.load and sets data loading', () => {
    const { state, port, send } = setup();
    send({ type: 'dataError', file: 'x', message: 'y' });
    state().startLoading();
    expect(port.calls).toEqual([{ kind: 'load' }]);
    expect(state().data).toEqual({ status: 'loading' });
  });

  it('dataProgress, dataReady and dataError update data', () => {
    const { state, send } = setup();
    const progress = { loadedBytes: 10, totalBytes: 100, filesDone: 1, filesTotal: 4 };
    send({ type: 'dataProgress', progress });
    expect(state().data).toEqual({ status: 'loading', progress });
    send(READY);
    expect(state().data).toEqual({ status: 'ready', trainCount: 60_000, testCount: 10_000, seconds: 1.5 });
    send({ type: 'dataError', file: 'train-images-0.u8.gz', message: 'checksum mismatch' });
    expect(state().data).toEqual({ status: 'error', file: 'train-images-0.u8.gz', message: 'checksum mismatch' });
  });

  it('backend event sets backend, and a run started later records it', () => {
    const { state, send } = setup();
    send({ type: 'backend', backend: BACKEND });
    expect(state().backend).toEqual(BACKEND);
    send(READY);
    state().train();
    expect(state().run!.backend).toEqual(BACKEND);
  });
});

describe('playground store: train', () => {
  it('does nothing before data is ready', () => {
    const { state, port, send } = setup();
    state().train();
    send({ type: 'dataProgress', progress: { loadedBytes: 1, totalBytes: 2, filesDone: 0, filesTotal: 1 } });
    state().train();
    send({ type: 'dataError', file: 'f', message: 'm' });
    state().train();
    expect(port.trains).toEqual([]);
    expect(state().run).toBeUndefined();
  });

  it('does nothing when the draft is invalid', () => {
    const { state, port, send } = setup();
    send(READY);
    state().setText('adam', 'learningRate', 'abc');
    state().train();
    expect(port.trains).toEqual([]);
    expect(state().run).toBeUndefined();
  });

  it('does nothing when no optimizer is selected', () => {
    const { state, port, send } = setup();
    send(READY);
    for (const id of OPTIMIZER_IDS) state().setSelected(id, false);
    state().train();
    expect(port.trains).toEqual([]);
  });

  it('trains despite a bad field on an unselected optimizer', () => {
    const { state, port, send } = setup();
    send(READY);
    state().setSelected('adam', false);
    state().setText('adam', 'learningRate', 'abc');
    state().train();
    expect(port.trains).toHaveLength(1);
    expect(trained(port.trains[0].config)).not.toContain('adam');
    // Its edit is kept in the form, and the run's copy holds its default.
    expect(state().draft.text['adam.learningRate']).toBe('abc');
    expect(contestant(port.trains[0].config, 'adam').hyperparameters).toEqual(optimizerDefaults('adam'));
  });

  it('sends the resolved config and queues every selected optimizer', () => {
    const { state, port, send } = setup();
    send(READY);
    state().setText('adam', 'learningRate', '0.01');
    state().setText('sgd', 'momentum', '0.9');
    state().setFlag('sgd', 'nesterov', true);
    state().setText(null, 'epochs', '3');
    for (const id of OPTIMIZER_IDS) state().setSelected(id, id === 'adam' || id === 'sgd');
    const expected = resolveDraft(state().draft).config!;

    state().train();

    expect(port.trains).toHaveLength(1);
    const [call] = port.trains;
    expect(call.config).toEqual(expected);
    expect(trained(call.config)).toEqual(['sgd', 'adam']);
    expect(contestant(call.config, 'adam').hyperparameters.learningRate).toBe(0.01);
    expect(contestant(call.config, 'sgd').hyperparameters.nesterov).toBe(true);

    const run = state().run!;
    expect(run.id).toBe(call.runId);
    expect(run.phase).toBe('running');
    expect(run.config).toEqual(expected);
    expect(run.contestants).toEqual({ sgd: { status: 'queued', history: [] }, adam: { status: 'queued', history: [] } });
  });

  it('editing the draft after train() changes neither run.config nor the config sent to the port', () => {
    const { state, port, send } = setup();
    send(READY);
    state().train();
    const expected = resolveDraft(defaultDraft()).config!;
    const sent = port.trains[0].config;

    state().setText('adam', 'learningRate', '0.5');
    state().setText(null, 'epochs', '50');
    state().setFlag('sgd', 'nesterov', true);
    state().setSelected('adam', false);
    state().setSelected('rmsprop', false);
    state().resetContestant('sgd');

    expect(state().run!.config).toEqual(expected);
    expect(sent).toEqual(expected);
    expect(state().run!.contestants).toHaveProperty('adam');
  });

  it("the run's config is independent of the object handed to the port", () => {
    const { state, port, send } = setup();
    send(READY);
    state().train();
    const expected = resolveDraft(defaultDraft()).config!;
    const sent = port.trains[0].config;

    // Whatever the port does with its argument, the run's record must not change.
    contestant(sent, 'adam').hyperparameters.learningRate = 123;
    contestant(sent, 'sgd').hyperparameters.nesterov = true;
    contestant(sent, 'sgd').selected = false;
    sent.contestants.pop();
    sent.network.hiddenLayers.push(64);
    sent.epochs = 99;

    expect(state().run!.config).toEqual(expected);
  });

  it("the run's config shares nothing with the draft or a fresh resolution", () => {
    const { state, send } = setup();
    send(READY);
    state().train();
    const config = state().run!.config;
    const again = resolveDraft(state().draft).config!;
    expect(config).toEqual(again);
    expect(config).not.toBe(again);
    expect(config.contestants).not.toBe(state().draft.contestants);
    config.contestants.forEach((c, i) => {
      expect(c).not.toBe(state().draft.contestants[i]);
      expect(c).not.toBe(again.contestants[i]);
      expect(c.hyperparameters).not.toBe(again.contestants[i].hyperparameters);
    });
    expect(config.network).not.toBe(again.network);
  });

  it('ignores a second train() while running or stopping', () => {
    const { state, port, runId } = running();
    state().train();
    expect(port.trains).toHaveLength(1);
    state().stop();
    state().train();
    expect(port.trains).toHaveLength(1);
    expect(state().run!.id).toBe(runId);
  });

  it('starts a new run with a new id after the previous one finished', () => {
    const { state, port, send, runId } = running();
    send({ type: 'runFinished', runId, outcome: 'done' });
    state().setText(null, 'epochs', '2');
    state().train();
    expect(port.trains).toHaveLength(2);
    const second = state().run!;
    expect(second.id).not.toBe(runId);
    expect(second.phase).toBe('running');
    expect(second.config.epochs).toBe(2);
    expect(port.trains[1].runId).toBe(second.id);
  });

  it('clears the notice when a run starts', () => {
    const { state, send } = setup();
    state().handleCrash('boom');
    expect(state().notice).toBeDefined();
    send(READY);
    state().train();
    expect(state().notice).toBeUndefined();
  });
});

describe('playground store: pause, step and speed', () => {
  it('pauses, steps only while paused, resumes, and clears the pause when the run ends', () => {
    const { state, port, runId, send } = running();
    state().step();
    state().pause();
    expect(state().run!.paused).toBe(true);
    state().pause();
    state().step();
    state().step();
    state().resume();
    expect(state().run!.paused).toBe(false);
    expect(port.calls.filter((c) => c.kind === 'pace')).toEqual([
      { kind: 'pace', runId, action: 'pause' },
      { kind: 'pace', runId, action: 'step' },
      { kind: 'pace', runId, action: 'step' },
      { kind: 'pace', runId, action: 'resume' },
    ]);
    state().pause();
    send({ type: 'runFinished', runId, outcome: 'stopped' });
    expect(state().run!.paused).toBe(false);
  });

  it('keeps the Speed across runs: sent with Train, and to a run in progress', () => {
    const { state, port, runId } = running();
    expect(port.trains[0].pacing).toEqual({ paused: false, batchesPerSecond: null });
    state().setSpeed(2);
    expect(port.calls.at(-1)).toEqual({ kind: 'pace', runId, action: 'speed', batchesPerSecond: 2 });
    state().stop();
    expect(state().speed).toBe(2);
  });
});

describe('playground store: stop', () => {
  it('calls port.stop with the run id and sets phase stopping', () => {
    const { state, port, runId } = running();
    state().stop();
    expect(port.calls.at(-1)).toEqual({ kind: 'stop', runId });
    expect(state().run!.phase).toBe('stopping');
  });

  it('does nothing without a running run, and only once per run', () => {
    const { state, port, send } = setup();
    state().stop();
    expect(port.calls).toEqual([]);
    send(READY);
    state().train();
    state().stop();
    state().stop();
    expect(port.calls.filter((c) => c.kind === 'stop')).toHaveLength(1);
  });
});

describe('playground store: run events', () => {
  it('runStatus, epoch and progress update the current run', () => {
    const { state, send, runId } = running();
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(2) });
    const progress = { epoch: 2, epochs: 5, batch: 10, batchesPerEpoch: 469, samplesPerSecond: 5000, activeRuns: 2, position: 1 + 10 / 469, live: { sgd: { trainLoss: 0.5, trainAccuracy: 0.8, seconds: 1.5 } } };
    send({ type: 'progress', runId, progress });
    // Live training points grow the trace of the optimizers they name, at the fractional epoch.
    expect(state().run!.contestants.sgd!.trace).toEqual([{ position: 1 + 10 / 469, trainLoss: 0.5, trainAccuracy: 0.8, seconds: 1.5 }]);
    // Inside samples grow their own list, apart from the trace; unknown keys change nothing.
    const sample = (position: number) => ({ position, seconds: 1, learningRate: 0.01, layers: [{ gradientNorm: 1, updateNorm: 0.01, weightNorm: 5, slots: [] }] });
    send({ type: 'progress', runId, progress: { ...progress, inside: { sgd: sample(1.1), nobody: sample(9) } } });
    send({ type: 'progress', runId, progress: { ...progress, inside: { sgd: sample(1.2) } } });
    expect(state().run!.contestants.sgd!.inside).toEqual([sample(1.1), sample(1.2)]);
    expect(state().run!.contestants.sgd!.trace).toHaveLength(3);
    expect(state().run!.contestants.adam!.inside).toBeUndefined();

    const run = state().run!;
    expect(run.contestants.sgd!.status).toBe('training');
    expect(run.contestants.sgd!.history).toEqual([metrics(1), metrics(2)]);
    expect(run.contestants.adam).toEqual({ status: 'queued', history: [] });
    expect(run.progress).toEqual({ ...progress, inside: { sgd: sample(1.2) } });
  });

  it('does not mutate earlier snapshots of the run', () => {
    const { state, send, runId } = running();
    const before = state().run!;
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    expect(before.contestants.sgd!.history).toEqual([]);
  });

  it('ignores events for a contestant that is not part of the run', () => {
    const { state, send, runId } = running(['sgd']);
    send({ type: 'epoch', runId, contestant: 'adam', metrics: metrics(1) });
    send({ type: 'runStatus', runId, contestant: 'adam', status: 'training' });
    expect(state().run!.contestants.adam).toBeUndefined();
  });

  it('ignores events with a stale run id', () => {
    const { state, send, runId } = running();
    send({ type: 'runFinished', runId, outcome: 'done' });
    state().train();
    const current = state().run!;
    expect(current.id).not.toBe(runId);

    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'diverged', divergence: { epoch: 1, batch: 3 } });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'progress', runId, progress: { epoch: 1, epochs: 5, batch: 1, batchesPerEpoch: 2, samplesPerSecond: 1, activeRuns: 1, position: 0.5, live: {} } });
    send({ type: 'runFinished', runId, outcome: 'stopped' });
    send({ type: 'runFailed', runId, message: 'old failure' });

    expect(state().run).toBe(current);
  });

  it('ignores run events when there is no run at all', () => {
    const { state, send } = setup();
    send({ type: 'epoch', runId: 1, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId: 1, outcome: 'done' });
    expect(state().run).toBeUndefined();
  });

  it("runFinished 'done' finishes the run and settles queued/training optimizers as done", () => {
    const { state, send, runId } = running(['sgd', 'adam', 'rmsprop']);
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runStatus', runId, contestant: 'rmsprop', status: 'done' });
    send({ type: 'runFinished', runId, outcome: 'done' });

    const run = state().run!;
    expect(run.phase).toBe('finished');
    expect(run.outcome).toBe('done');
    expect(run.contestants.sgd).toEqual({ status: 'done', history: [metrics(1)] });
    expect(run.contestants.adam!.status).toBe('done');
    expect(run.contestants.rmsprop!.status).toBe('done');
  });

  it("runFinished 'stopped' (after stop) settles queued/training optimizers as stopped", () => {
    const { state, send, runId } = running(['sgd', 'adam', 'rmsprop']);
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'runStatus', runId, contestant: 'rmsprop', status: 'done' });
    state().stop();
    send({ type: 'runFinished', runId, outcome: 'stopped' });

    const run = state().run!;
    expect(run.phase).toBe('finished');
    expect(run.outcome).toBe('stopped');
    expect(run.contestants.sgd!.status).toBe('stopped');
    expect(run.contestants.adam!.status).toBe('stopped');
    expect(run.contestants.rmsprop!.status).toBe('done');
  });

  it('a diverged optimizer keeps its status and divergence info through runFinished', () => {
    const { state, send, runId } = running();
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'diverged', divergence: { epoch: 2, batch: 17 } });
    expect(state().run!.contestants.sgd!.divergence).toEqual({ epoch: 2, batch: 17 });

    send({ type: 'runFinished', runId, outcome: 'done' });
    const sgd = state().run!.contestants.sgd!;
    expect(sgd.status).toBe('diverged');
    expect(sgd.divergence).toEqual({ epoch: 2, batch: 17 });
    expect(sgd.history).toEqual([metrics(1)]);
    expect(state().run!.contestants.adam!.status).toBe('done');
  });

  it('a later status without divergence info keeps the earlier info', () => {
    const { state, send, runId } = running();
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'diverged', divergence: { epoch: 1, batch: 2 } });
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'diverged' });
    expect(state().run!.contestants.sgd!.divergence).toEqual({ epoch: 1, batch: 2 });
  });

  it('runFailed sets phase failed, the failure message and a notice', () => {
    const { state, send, runId } = running();
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runFailed', runId, message: 'out of memory' });

    const run = state().run!;
    expect(run.phase).toBe('failed');
    expect(run.failure).toBe('out of memory');
    expect(run.contestants.sgd).toEqual({ status: 'stopped', history: [metrics(1)] });
    expect(run.contestants.adam!.status).toBe('stopped');
    expect(state().notice).toContain('out of memory');
  });

  it('train() works again after a failure', () => {
    const { state, port, send, runId } = running();
    send({ type: 'runFailed', runId, message: 'x' });
    state().train();
    expect(port.trains).toHaveLength(2);
    expect(state().run!.phase).toBe('running');
  });
});

describe('playground store: handleCrash', () => {
  it('during a run keeps received epochs, stops running optimizers, sets a notice and reloads data', () => {
    const { state, send, runId } = running(['sgd', 'adam', 'rmsprop']);
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1, 0.8) });
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(2, 0.85) });
    send({ type: 'runStatus', runId, contestant: 'rmsprop', status: 'diverged', divergence: { epoch: 1, batch: 5 } });

    state().handleCrash('The training worker crashed (boom).');

    const run = state().run!;
    expect(run.phase).toBe('failed');
    expect(run.failure).toContain('boom');
    expect(run.contestants.sgd).toEqual({ status: 'stopped', history: [metrics(1, 0.8), metrics(2, 0.85)] });
    expect(run.contestants.adam).toEqual({ status: 'stopped', history: [] });
    expect(run.contestants.rmsprop).toEqual({ status: 'diverged', history: [], divergence: { epoch: 1, batch: 5 } });
    expect(trained(run.config)).toEqual(['sgd', 'adam', 'rmsprop']);
    expect(state().notice).toContain('boom');
    expect(state().notice).toMatch(/finished epochs are kept/);
    expect(state().data).toEqual({ status: 'loading' });
  });

  it('when workers cannot start at all, says so as an error that blocks Train, naming the headers to check', () => {
    const { state, port } = running();
    state().handleCrash('The training worker crashed (blocked).', false);
    expect(state().run!.phase).toBe('failed');
    expect(state().data).toEqual({ status: 'error', file: TRAINING_WORKER, message: `The training worker crashed (blocked). ${WORKER_CANNOT_START}` });
    expect(WORKER_CANNOT_START).toMatch(/Cross-Origin-Embedder-Policy/);
    state().train();
    expect(port.trains).toHaveLength(1);
  });

  it('while stopping also fails the run', () => {
    const { state, runId } = running();
    state().stop();
    state().handleCrash('crash');
    expect(state().run!.id).toBe(runId);
    expect(state().run!.phase).toBe('failed');
  });

  it('without an active run leaves a finished run alone and does not mention kept epochs', () => {
    const { state, send, runId } = running();
    send({ type: 'epoch', runId, contestant: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId, outcome: 'done' });
    const finished = state().run;

    state().handleCrash('crash');

    expect(state().run).toBe(finished);
    expect(state().notice).toContain('crash');
    expect(state().notice).not.toMatch(/epochs are kept/);
    expect(state().data).toEqual({ status: 'loading' });
  });

  it('blocks train() until the restarted worker reports data ready again', () => {
    const { state, port, send } = running();
    state().handleCrash('crash');
    state().train();
    expect(port.trains).toHaveLength(1);
    send(READY);
    state().train();
    expect(port.trains).toHaveLength(2);
  });

  it('dismissNotice clears the notice', () => {
    const { state } = setup();
    state().handleCrash('crash');
    state().dismissNotice();
    expect(state().notice).toBeUndefined();
  });
});

describe('playground store: two contestants of one optimizer', () => {
  it('Train with Adam and Adam 2 sends both, each with its own settings, and queues both by key', () => {
    const { state, port, send } = setup();
    send(READY);
    state().addContestant('adam');
    state().setText('adam2', 'learningRate', '0.01');
    for (const id of ['sgd', 'adagrad', 'adadelta', 'rmsprop']) state().setSelected(id, false);
    state().setText(null, 'hiddenLayers', '2');
    state().setText(null, 'layer1Units', '256');
    state().setText(null, 'layer2Units', '256');
    state().setChoice('activation', 'tanh');
    state().train();
    expect(port.trains).toHaveLength(1);
    const { config } = port.trains[0];
    expect(trained(config)).toEqual(['adam', 'adam2']);
    expect(contestant(config, 'adam').hyperparameters.learningRate).toBe(0.001);
    expect(contestant(config, 'adam2').hyperparameters).toEqual({ ...optimizerDefaults('adam'), learningRate: 0.01 });
    expect(config.network).toEqual({ hiddenLayers: [256, 256], activation: 'tanh' });
    const run = state().run!;
    expect(run.contestants).toEqual({ adam: { status: 'queued', history: [] }, adam2: { status: 'queued', history: [] } });
    expect(run.config).toEqual(config);
  });

  it('events keyed "adam2" reach Adam 2 only', () => {
    const { state, send, runId } = running(['adam', 'adam2']);
    send({ type: 'runStatus', runId, contestant: 'adam2', status: 'training' });
    send({ type: 'epoch', runId, contestant: 'adam2', metrics: metrics(1, 0.5) });
    send({ type: 'epoch', runId, contestant: 'adam', metrics: metrics(1, 0.9) });
    const progress = { epoch: 2, epochs: 5, batch: 1, batchesPerEpoch: 469, samplesPerSecond: 5000, activeRuns: 2, position: 1 + 1 / 469, live: { adam2: { trainLoss: 2, trainAccuracy: 0.3, seconds: 2 } } };
    send({ type: 'progress', runId, progress });
    send({ type: 'runStatus', runId, contestant: 'adam2', status: 'diverged', divergence: { epoch: 2, batch: 1 } });
    let run = state().run!;
    expect(run.contestants.adam2).toEqual({
      status: 'diverged',
      history: [metrics(1, 0.5)],
      divergence: { epoch: 2, batch: 1 },
      trace: [{ position: 1 + 1 / 469, trainLoss: 2, trainAccuracy: 0.3, seconds: 2 }],
    });
    expect(run.contestants.adam).toEqual({ status: 'queued', history: [metrics(1, 0.9)] });
    // Keys of contestants outside the run change nothing.
    send({ type: 'epoch', runId, contestant: 'adam3', metrics: metrics(1) });
    send({ type: 'runStatus', runId, contestant: 'sgd', status: 'training' });
    send({ type: 'progress', runId, progress: { ...progress, live: { rmsprop: { trainLoss: 1, trainAccuracy: 0.5, seconds: 2 } } } });
    expect(state().run!.contestants).toEqual(run.contestants);
    send({ type: 'runFinished', runId, outcome: 'done' });
    run = state().run!;
    expect(run.contestants.adam.status).toBe('done');
    expect(run.contestants.adam2.status).toBe('diverged');
    expect(Object.keys(run.contestants)).toEqual(['adam', 'adam2']);
  });

  it('editing or removing Adam 2 after Train changes nothing in the run', () => {
    const { state, port, runId } = running(['adam', 'adam2']);
    const config = state().run!.config;
    state().setText('adam2', 'learningRate', '0.5');
    state().removeContestant('adam2');
    expect(state().run!.id).toBe(runId);
    expect(state().run!.config).toBe(config);
    expect(trained(state().run!.config)).toEqual(['adam', 'adam2']);
    expect(port.trains[0].config).toEqual(config);
  });
});

// Keys are free-form strings in events: one that names an Object.prototype member
// ("__proto__", "constructor") must not reach the prototype. Only a broken worker sends one.
describe('playground store: hostile contestant keys in events', () => {
  it.each(['__proto__', 'constructor', 'toString'])('an event naming %j changes nothing and does not throw', (key) => {
    const { state, send, runId } = running(['adam']);
    const before = state().run;
    expect(() => send({ type: 'epoch', runId, contestant: key, metrics: metrics(1) })).not.toThrow();
    expect(() => send({ type: 'runStatus', runId, contestant: key, status: 'training' })).not.toThrow();
    expect(() =>
      send({ type: 'progress', runId, progress: { epoch: 1, epochs: 5, batch: 1, batchesPerEpoch: 2, samplesPerSecond: 1, activeRuns: 1, position: 0.5, live: { [key]: { trainLoss: 1, trainAccuracy: 0.5, seconds: 1 } } } }),
    ).not.toThrow();
    expect(Object.keys(state().run!.contestants)).toEqual(['adam']);
    expect(state().run!.contestants).toEqual(before!.contestants);
  });
});
