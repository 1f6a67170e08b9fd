import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../experiment/config';
import { defaultDraft, fieldKey, resolveDraft } from '../experiment/draft';
import type { EpochMetrics } from '../experiment/metrics';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults, type OptimizerId } from '../experiment/optimizers';
import type { BackendInfo, WorkerEvent } from '../train/protocol';
import { createPlaygroundStore, TRAINING_WORKER, WORKER_CANNOT_START, type TrainingPort } from './playgroundStore';

type Call = { kind: 'load' } | { kind: 'train'; runId: number; config: ExperimentConfig } | { kind: 'stop'; runId: number };

class FakePort implements TrainingPort {
  calls: Call[] = [];
  load() {
    this.calls.push({ kind: 'load' });
  }
  train(runId: number, config: ExperimentConfig) {
    this.calls.push({ kind: 'train', runId, config });
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

/** A store whose data is ready and which has started one run with `selected`. */
function running(selected: OptimizerId[] = ['sgd', 'adam']) {
  const ctx = setup();
  for (const id of OPTIMIZER_IDS) ctx.state().setSelected(id, selected.includes(id));
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
    expect(state().draft.selected).toEqual([]);
    state().setSelected('rmsprop', true);
    state().setSelected('adam', true);
    state().setSelected('sgd', true);
    expect(state().draft.selected).toEqual(['sgd', 'adam', 'rmsprop']);
    state().setSelected('adam', false);
    expect(state().draft.selected).toEqual(['sgd', 'rmsprop']);
    state().setSelected('sgd', true); // already selected: no duplicate
    expect(state().draft.selected).toEqual(['sgd', 'rmsprop']);
  });

  it('resetOptimizer restores Keras defaults for that optimizer only', () => {
    const { state } = setup();
    state().setText('adam', 'learningRate', 'junk');
    state().setText('adam', 'beta1', '0.5');
    state().setFlag('adam', 'amsgrad', true);
    state().setText('sgd', 'learningRate', '0.3');
    state().setFlag('sgd', 'nesterov', true);
    state().setText(null, 'epochs', '9');

    state().resetOptimizer('adam');

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

  it('resetOptimizer does not change the selection', () => {
    const { state } = setup();
    state().setSelected('adam', false);
    state().resetOptimizer('adam');
    expect(state().draft.selected).not.toContain('adam');
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
    expect(port.trains[0].config.optimizers).not.toContain('adam');
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
    expect(call.config.optimizers).toEqual(['sgd', 'adam']);
    expect(call.config.hyperparameters.adam.learningRate).toBe(0.01);
    expect(call.config.hyperparameters.sgd.nesterov).toBe(true);

    const run = state().run!;
    expect(run.id).toBe(call.runId);
    expect(run.phase).toBe('running');
    expect(run.config).toEqual(expected);
    expect(run.optimizers).toEqual({ sgd: { status: 'queued', history: [] }, adam: { status: 'queued', history: [] } });
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
    state().resetOptimizer('sgd');

    expect(state().run!.config).toEqual(expected);
    expect(sent).toEqual(expected);
    expect(state().run!.optimizers).toHaveProperty('adam');
  });

  it("the run's config is independent of the object handed to the port", () => {
    const { state, port, send } = setup();
    send(READY);
    state().train();
    const expected = resolveDraft(defaultDraft()).config!;
    const sent = port.trains[0].config;

    // Whatever the port does with its argument, the run's record must not change.
    sent.hyperparameters.adam.learningRate = 123;
    sent.hyperparameters.sgd.nesterov = true;
    sent.optimizers.pop();
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
    expect(config.optimizers).not.toBe(state().draft.selected);
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
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(2) });
    const progress = { epoch: 2, epochs: 5, batch: 10, batchesPerEpoch: 469, samplesPerSecond: 5000, activeRuns: 2, position: 1 + 10 / 469, live: { sgd: { trainLoss: 0.5, trainAccuracy: 0.8 } } };
    send({ type: 'progress', runId, progress });
    // Live training points grow the trace of the optimizers they name, at the fractional epoch.
    expect(state().run!.optimizers.sgd!.trace).toEqual([{ position: 1 + 10 / 469, trainLoss: 0.5, trainAccuracy: 0.8 }]);

    const run = state().run!;
    expect(run.optimizers.sgd!.status).toBe('training');
    expect(run.optimizers.sgd!.history).toEqual([metrics(1), metrics(2)]);
    expect(run.optimizers.adam).toEqual({ status: 'queued', history: [] });
    expect(run.progress).toEqual(progress);
  });

  it('does not mutate earlier snapshots of the run', () => {
    const { state, send, runId } = running();
    const before = state().run!;
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    expect(before.optimizers.sgd!.history).toEqual([]);
  });

  it('ignores events for an optimizer that is not part of the run', () => {
    const { state, send, runId } = running(['sgd']);
    send({ type: 'epoch', runId, optimizer: 'adam', metrics: metrics(1) });
    send({ type: 'runStatus', runId, optimizer: 'adam', status: 'training' });
    expect(state().run!.optimizers.adam).toBeUndefined();
  });

  it('ignores events with a stale run id', () => {
    const { state, send, runId } = running();
    send({ type: 'runFinished', runId, outcome: 'done' });
    state().train();
    const current = state().run!;
    expect(current.id).not.toBe(runId);

    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'diverged', divergence: { epoch: 1, batch: 3 } });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'progress', runId, progress: { epoch: 1, epochs: 5, batch: 1, batchesPerEpoch: 2, samplesPerSecond: 1, activeRuns: 1, position: 0.5, live: {} } });
    send({ type: 'runFinished', runId, outcome: 'stopped' });
    send({ type: 'runFailed', runId, message: 'old failure' });

    expect(state().run).toBe(current);
  });

  it('ignores run events when there is no run at all', () => {
    const { state, send } = setup();
    send({ type: 'epoch', runId: 1, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runFinished', runId: 1, outcome: 'done' });
    expect(state().run).toBeUndefined();
  });

  it("runFinished 'done' finishes the run and settles queued/training optimizers as done", () => {
    const { state, send, runId } = running(['sgd', 'adam', 'rmsprop']);
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runStatus', runId, optimizer: 'rmsprop', status: 'done' });
    send({ type: 'runFinished', runId, outcome: 'done' });

    const run = state().run!;
    expect(run.phase).toBe('finished');
    expect(run.outcome).toBe('done');
    expect(run.optimizers.sgd).toEqual({ status: 'done', history: [metrics(1)] });
    expect(run.optimizers.adam!.status).toBe('done');
    expect(run.optimizers.rmsprop!.status).toBe('done');
  });

  it("runFinished 'stopped' (after stop) settles queued/training optimizers as stopped", () => {
    const { state, send, runId } = running(['sgd', 'adam', 'rmsprop']);
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
    send({ type: 'runStatus', runId, optimizer: 'rmsprop', status: 'done' });
    state().stop();
    send({ type: 'runFinished', runId, outcome: 'stopped' });

    const run = state().run!;
    expect(run.phase).toBe('finished');
    expect(run.outcome).toBe('stopped');
    expect(run.optimizers.sgd!.status).toBe('stopped');
    expect(run.optimizers.adam!.status).toBe('stopped');
    expect(run.optimizers.rmsprop!.status).toBe('done');
  });

  it('a diverged optimizer keeps its status and divergence info through runFinished', () => {
    const { state, send, runId } = running();
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'diverged', divergence: { epoch: 2, batch: 17 } });
    expect(state().run!.optimizers.sgd!.divergence).toEqual({ epoch: 2, batch: 17 });

    send({ type: 'runFinished', runId, outcome: 'done' });
    const sgd = state().run!.optimizers.sgd!;
    expect(sgd.status).toBe('diverged');
    expect(sgd.divergence).toEqual({ epoch: 2, batch: 17 });
    expect(sgd.history).toEqual([metrics(1)]);
    expect(state().run!.optimizers.adam!.status).toBe('done');
  });

  it('a later status without divergence info keeps the earlier info', () => {
    const { state, send, runId } = running();
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'diverged', divergence: { epoch: 1, batch: 2 } });
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'diverged' });
    expect(state().run!.optimizers.sgd!.divergence).toEqual({ epoch: 1, batch: 2 });
  });

  it('runFailed sets phase failed, the failure message and a notice', () => {
    const { state, send, runId } = running();
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
    send({ type: 'runFailed', runId, message: 'out of memory' });

    const run = state().run!;
    expect(run.phase).toBe('failed');
    expect(run.failure).toBe('out of memory');
    expect(run.optimizers.sgd).toEqual({ status: 'stopped', history: [metrics(1)] });
    expect(run.optimizers.adam!.status).toBe('stopped');
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
    send({ type: 'runStatus', runId, optimizer: 'sgd', status: 'training' });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1, 0.8) });
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(2, 0.85) });
    send({ type: 'runStatus', runId, optimizer: 'rmsprop', status: 'diverged', divergence: { epoch: 1, batch: 5 } });

    state().handleCrash('The training worker crashed (boom).');

    const run = state().run!;
    expect(run.phase).toBe('failed');
    expect(run.failure).toContain('boom');
    expect(run.optimizers.sgd).toEqual({ status: 'stopped', history: [metrics(1, 0.8), metrics(2, 0.85)] });
    expect(run.optimizers.adam).toEqual({ status: 'stopped', history: [] });
    expect(run.optimizers.rmsprop).toEqual({ status: 'diverged', history: [], divergence: { epoch: 1, batch: 5 } });
    expect(run.config.optimizers).toEqual(['sgd', 'adam', 'rmsprop']);
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
    send({ type: 'epoch', runId, optimizer: 'sgd', metrics: metrics(1) });
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
