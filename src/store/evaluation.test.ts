import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../experiment/config';
import { contestantKey } from '../experiment/contestants';
import { buildResults } from '../experiment/resultsFile';
import type { EpochMetrics } from '../experiment/metrics';
import type { ContestantEvaluation, WorkerEvent } from '../train/protocol';
import { createPlaygroundStore, EVALUATION_REASONS, evaluationAvailability, type TrainingPort } from './playgroundStore';

type Call =
  | { kind: 'train'; runId: number }
  | { kind: 'evaluate'; runId: number; contestant: string }
  | { kind: 'predict'; runId: number; requestId: number; pixels: Float32Array };

class FakePort implements TrainingPort {
  calls: Call[] = [];
  /** Plays a client whose weights are gone: it answers a request at once, inside the call. */
  answerAtOnce?: (call: Call) => WorkerEvent;
  onEvent: (event: WorkerEvent) => void = () => {};
  load() {}
  stop() {}
  train(runId: number, _config: ExperimentConfig) {
    this.calls.push({ kind: 'train', runId });
  }
  evaluate(runId: number, contestant: string) {
    this.record({ kind: 'evaluate', runId, contestant });
  }
  predict(runId: number, requestId: number, pixels: Float32Array) {
    this.record({ kind: 'predict', runId, requestId, pixels });
  }
  private record(call: Call) {
    this.calls.push(call);
    if (this.answerAtOnce) this.onEvent(this.answerAtOnce(call));
  }
  of<K extends Call['kind']>(kind: K) {
    return this.calls.filter((c): c is Extract<Call, { kind: K }> => c.kind === kind);
  }
}

const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1 };
const metrics = (epoch: number): EpochMetrics => ({ epoch, trainLoss: 0.5, trainAccuracy: 0.85, testLoss: 0.4, testAccuracy: 0.9, seconds: 2, samplesPerSecond: 1 });
const EVALUATION: ContestantEvaluation = {
  confusion: Array.from({ length: 100 }, (_, i) => (i % 11 === 0 ? 900 : 100 / 9)),
  testCount: 10_000,
  correct: 9000,
  misclassified: [],
  seconds: 0.2,
};
const pixels = new Float32Array(784);

/** A store whose run of SGD and Adam (`run`) has reached the given statuses, with `epochs` finished epochs each. */
function finishedRun({ sgd = 'done', adam = 'done', epochs = 2, outcome = 'done' }: { sgd?: string; adam?: string; epochs?: number; outcome?: 'done' | 'stopped' } = {}) {
  const port = new FakePort();
  const store = createPlaygroundStore(port);
  const state = () => store.getState();
  const send = (event: WorkerEvent) => state().handleEvent(event);
  port.onEvent = send;
  for (const c of state().draft.contestants) state().setSelected(contestantKey(c), ['sgd', 'adam'].includes(contestantKey(c)));
  send(READY);
  state().train();
  const runId = state().run!.id;
  for (const [contestant, status] of [['sgd', sgd], ['adam', adam]] as const) {
    for (let e = 1; e <= epochs; e++) send({ type: 'epoch', runId, contestant, metrics: metrics(e) });
    send({ type: 'runStatus', runId, contestant, status: status as 'done' });
  }
  send({ type: 'runFinished', runId, outcome });
  return { port, store, state, send, runId };
}

describe('evaluationAvailability', () => {
  it('says plainly why a run cannot be evaluated: none, training, opened from a file, restored', () => {
    expect(evaluationAvailability(undefined)).toEqual({ available: false, reason: EVALUATION_REASONS.noRun, why: 'noRun' });
    const port = new FakePort();
    const store = createPlaygroundStore(port);
    store.getState().handleEvent(READY);
    store.getState().train();
    expect(evaluationAvailability(store.getState().run)).toEqual({ available: false, reason: EVALUATION_REASONS.training, why: 'training' });
    const config = store.getState().run!.config;
    const results = buildResults(config, null, [{ contestant: 'adam', seed: 42, status: 'done', history: [metrics(1)] }]);
    store.getState().stop();
    store.getState().handleEvent({ type: 'runFinished', runId: store.getState().run!.id, outcome: 'stopped' });
    store.getState().showResults(results, 'imported', 'run.json');
    expect(evaluationAvailability(store.getState().run)).toEqual({ available: false, reason: expect.stringMatching(/^This run was opened from a file; train it here to evaluate it/), why: 'imported' });
    store.getState().showResults(results, 'restored');
    expect(evaluationAvailability(store.getState().run)).toEqual({ available: false, reason: EVALUATION_REASONS.restored, why: 'restored' });
  });

  it('offers the contestants that are done, or stopped after at least one epoch, in lineup order', () => {
    const both = finishedRun();
    const available = evaluationAvailability(both.state().run);
    expect(available.available && available.contestants.map((c) => c.name)).toEqual(['SGD', 'Adam']);
    const diverged = finishedRun({ sgd: 'diverged' });
    const one = evaluationAvailability(diverged.state().run);
    expect(one.available && one.contestants.map((c) => c.key)).toEqual(['adam']);
    const stoppedEarly = finishedRun({ sgd: 'stopped', adam: 'stopped', epochs: 0, outcome: 'stopped' });
    expect(evaluationAvailability(stoppedEarly.state().run)).toEqual({ available: false, reason: EVALUATION_REASONS.nothingFinished, why: 'nothingFinished' });
    const stoppedLater = finishedRun({ sgd: 'stopped', adam: 'stopped', epochs: 1, outcome: 'stopped' });
    expect(evaluationAvailability(stoppedLater.state().run).available).toBe(true);
  });
});

describe('evaluating a contestant', () => {
  it('asks once for a finished contestant of the live run, shows it loading, then its result', () => {
    const { port, state, send, runId } = finishedRun();
    state().selectEvaluation('adam');
    expect(port.of('evaluate')).toEqual([]);
    expect(state().evaluation).toEqual({ runId, selected: 'adam', entries: {} });
    state().selectEvaluation('adam', true);
    expect(port.of('evaluate')).toEqual([{ kind: 'evaluate', runId, contestant: 'adam' }]);
    expect(state().evaluation!.entries.adam).toEqual({ status: 'loading' });
    state().selectEvaluation('adam', true);
    expect(port.of('evaluate')).toHaveLength(1);
    send({ type: 'evaluation', runId, contestant: 'adam', ...EVALUATION });
    expect(state().evaluation!.entries.adam).toEqual({ status: 'ready', result: EVALUATION });
    // Back and forth: a loaded evaluation is kept, not asked for again.
    state().selectEvaluation('sgd', true);
    state().selectEvaluation('adam', true);
    expect(port.of('evaluate').map((c) => c.contestant)).toEqual(['adam', 'sgd']);
    expect(state().evaluation!.selected).toBe('adam');
  });

  it('shows a failure with its message, and asks again when chosen again', () => {
    const { port, state, send, runId } = finishedRun();
    state().selectEvaluation('sgd', true);
    send({ type: 'evaluationFailed', runId, contestant: 'sgd', message: 'The training workers were restarted.' });
    expect(state().evaluation!.entries.sgd).toEqual({ status: 'failed', message: 'The training workers were restarted.' });
    state().selectEvaluation('sgd', true);
    expect(port.of('evaluate')).toHaveLength(2);
  });

  it('keeps the failure when the client answers inside the request (its weights are already gone)', () => {
    const { port, state, runId } = finishedRun();
    port.answerAtOnce = (call) => ({ type: 'evaluationFailed', runId, contestant: (call as { contestant: string }).contestant, message: 'gone' });
    state().selectEvaluation('adam', true);
    expect(state().evaluation!.entries.adam).toEqual({ status: 'failed', message: 'gone' });
  });

  it('asks nothing for a contestant that is not finished, not in the run, or of a run opened from a file', () => {
    const { port, state } = finishedRun({ sgd: 'diverged' });
    state().selectEvaluation('sgd', true);
    state().selectEvaluation('nadam', true);
    state().selectEvaluation('__proto__', true);
    expect(port.of('evaluate')).toEqual([]);
    expect(state().evaluation).toBeUndefined();
    const config = state().run!.config;
    state().showResults(buildResults(config, null, [{ contestant: 'adam', seed: 42, status: 'done', history: [metrics(1)] }]), 'imported');
    state().selectEvaluation('adam', true);
    state().predictDigit(pixels);
    expect(port.calls.filter((c) => c.kind !== 'train')).toEqual([]);
  });

  it('ignores answers for another run, for a contestant not asked for, and forgets everything when a new run starts', () => {
    const { port, state, send, runId } = finishedRun();
    state().selectEvaluation('adam', true);
    send({ type: 'evaluation', runId: runId - 1, contestant: 'adam', ...EVALUATION });
    send({ type: 'evaluation', runId, contestant: 'sgd', ...EVALUATION });
    send({ type: 'evaluation', runId, contestant: '__proto__', ...EVALUATION });
    expect(state().evaluation!.entries).toEqual({ adam: { status: 'loading' } });
    state().predictDigit(pixels);
    state().train();
    const next = state().run!.id;
    expect(port.of('train').map((c) => c.runId)).toEqual([runId, next]);
    expect(state().evaluation).toBeUndefined();
    expect(state().digitPrediction).toBeUndefined();
    // The old run's answer arrives late: nothing changes.
    send({ type: 'evaluation', runId, contestant: 'adam', ...EVALUATION });
    expect(state().evaluation).toBeUndefined();
  });
});

describe('predicting a drawn digit', () => {
  const results = [
    { contestant: 'sgd', probabilities: Array.from({ length: 10 }, (_, d) => (d === 3 ? 0.55 : 0.05)) },
    { contestant: 'adam', probabilities: Array.from({ length: 10 }, (_, d) => (d === 7 ? 0.91 : 0.01)) },
  ];

  it('asks with a new request id each time and shows only the latest drawing\'s answer', () => {
    const { port, state, send, runId } = finishedRun();
    state().predictDigit(pixels);
    state().predictDigit(pixels);
    const [first, second] = port.of('predict');
    expect([first.requestId, second.requestId]).toEqual([first.requestId, first.requestId + 1]);
    expect(second.pixels).toBe(pixels);
    send({ type: 'prediction', runId, requestId: first.requestId, results: [] });
    expect(state().digitPrediction).toMatchObject({ status: 'loading', requestId: second.requestId });
    send({ type: 'prediction', runId, requestId: second.requestId, results });
    expect(state().digitPrediction).toMatchObject({ status: 'ready', results });
    // A third drawing keeps the previous results on show while it loads.
    state().predictDigit(pixels);
    expect(state().digitPrediction).toMatchObject({ status: 'loading', results });
    const third = port.of('predict')[2];
    send({ type: 'predictionFailed', runId, requestId: third.requestId, message: 'The weights of this run are gone.' });
    expect(state().digitPrediction).toMatchObject({ status: 'failed', message: 'The weights of this run are gone.', results: undefined });
    state().clearDigitPrediction();
    expect(state().digitPrediction).toBeUndefined();
  });

  it('ignores a prediction of another run', () => {
    const { state, send, runId } = finishedRun();
    state().predictDigit(pixels);
    const requestId = state().digitPrediction!.requestId;
    send({ type: 'prediction', runId: runId + 1, requestId, results });
    expect(state().digitPrediction!.status).toBe('loading');
  });
});
