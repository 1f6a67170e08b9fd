import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../experiment/config';
import { contestantKey } from '../experiment/contestants';
import type { EpochMetrics } from '../experiment/metrics';
import type { WorkerEvent } from '../train/protocol';
import { createPlaygroundStore, LANDSCAPE_NEEDS_TWO, type TrainingPort } from './playgroundStore';

class FakePort implements TrainingPort {
  requests: { runId: number; requestId: number; contestants: readonly string[]; slice?: { a: string; b: string } }[] = [];
  cancelled: number[] = [];
  load() {}
  stop() {}
  train(_runId: number, _config: ExperimentConfig) {}
  landscape(runId: number, requestId: number, contestants: readonly string[], slice?: { a: string; b: string }) {
    this.requests.push({ runId, requestId, contestants, slice });
  }
  cancelLandscape(requestId: number) {
    this.cancelled.push(requestId);
  }
}

const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1 };
const metrics = (epoch: number): EpochMetrics => ({ epoch, trainLoss: 0.5, trainAccuracy: 0.85, testLoss: 0.4, testAccuracy: 0.9, seconds: 2, samplesPerSecond: 1 });
const lines = ['sgd', 'adam', 'rmsprop'].map((contestant) => ({ contestant, losses: [2.3, 0.2] }));

/** A finished run of SGD, Adam and RMSprop; RMSprop diverged. */
function finishedRun() {
  const port = new FakePort();
  const store = createPlaygroundStore(port);
  const state = () => store.getState();
  const send = (event: WorkerEvent) => state().handleEvent(event);
  for (const c of state().draft.contestants) state().setSelected(contestantKey(c), ['sgd', 'adam', 'rmsprop'].includes(contestantKey(c)));
  send(READY);
  const before = state();
  expect(before.landscape).toBeUndefined();
  state().train();
  const runId = state().run!.id;
  for (const contestant of ['sgd', 'adam']) {
    send({ type: 'epoch', runId, contestant, metrics: metrics(1) });
    send({ type: 'runStatus', runId, contestant, status: 'done' });
  }
  send({ type: 'runStatus', runId, contestant: 'rmsprop', status: 'diverged', divergence: { epoch: 1, batch: 3 } });
  send({ type: 'runFinished', runId, outcome: 'done' });
  return { port, store, state, send, runId };
}

describe('the landscape in the store', () => {
  it('asks for nothing until Show the landscape, then for every finished contestant\'s line and the chosen slice', () => {
    const { port, state, runId } = finishedRun();
    expect(port.requests).toEqual([]);
    state().showLandscape({ a: 'adam', b: 'sgd' });
    expect(port.requests).toEqual([{ runId, requestId: 1, contestants: ['sgd', 'adam'], slice: { a: 'adam', b: 'sgd' } }]);
    expect(state().landscape).toEqual({ runId, requestId: 1, slice: { a: 'adam', b: 'sgd' }, status: 'running', done: 0, total: 0 });
  });

  it('follows the progress and keeps the result of the latest request only', () => {
    const { state, send, runId } = finishedRun();
    state().showLandscape({ a: 'sgd', b: 'adam' });
    send({ type: 'landscapeProgress', runId, requestId: 1, done: 30, total: 120 });
    expect(state().landscape).toMatchObject({ status: 'running', done: 30, total: 120 });
    // Another request's answer is ignored.
    send({ type: 'landscape', runId, requestId: 9, lines, examples: 10_000, seconds: 1 });
    expect(state().landscape?.status).toBe('running');
    const slice = { a: 'sgd', b: 'adam', rows: [0], losses: [1] };
    send({ type: 'landscape', runId, requestId: 1, lines, slice, examples: 10_000, seconds: 1 });
    expect(state().landscape).toEqual({ runId, requestId: 1, slice: { a: 'sgd', b: 'adam' }, status: 'ready', result: { lines, slice, examples: 10_000, seconds: 1 } });
  });

  it('Cancel stops the request in the workers and ignores what still comes; a second Show cancels the first', () => {
    const { port, state, send, runId } = finishedRun();
    state().showLandscape({ a: 'sgd', b: 'adam' });
    state().cancelLandscape();
    expect(port.cancelled).toEqual([1]);
    expect(state().landscape?.status).toBe('cancelled');
    send({ type: 'landscape', runId, requestId: 1, lines, examples: 10_000, seconds: 1 });
    expect(state().landscape?.status).toBe('cancelled');
    state().showLandscape({ a: 'sgd', b: 'adam' });
    state().showLandscape({ a: 'adam', b: 'sgd' });
    expect(port.cancelled).toEqual([1, 2]);
    expect(state().landscape).toMatchObject({ requestId: 3, status: 'running' });
  });

  it('says why when the slice\'s two contestants are the same, or one has no weights; shows a worker\'s failure', () => {
    const { port, state, send, runId } = finishedRun();
    state().showLandscape({ a: 'adam', b: 'adam' });
    expect(state().landscape).toMatchObject({ status: 'failed', message: LANDSCAPE_NEEDS_TWO });
    state().showLandscape({ a: 'adam', b: 'rmsprop' });
    expect(state().landscape).toMatchObject({ status: 'failed', message: LANDSCAPE_NEEDS_TWO });
    expect(port.requests).toEqual([]);
    state().showLandscape({ a: 'adam', b: 'sgd' });
    send({ type: 'landscapeFailed', runId, requestId: 3, message: 'The weights of this run are gone.' });
    expect(state().landscape).toMatchObject({ status: 'failed', message: 'The weights of this run are gone.' });
  });

  it('draws only the lines when no slice is asked for (a run with one finished contestant)', () => {
    const { port, state, runId } = finishedRun();
    state().showLandscape();
    expect(port.requests).toEqual([{ runId, requestId: 1, contestants: ['sgd', 'adam'], slice: undefined }]);
    expect(state().landscape).toMatchObject({ status: 'running', slice: undefined });
  });

  it('a new run makes the old landscape\'s events count for nothing', () => {
    const { state, send, runId } = finishedRun();
    state().showLandscape({ a: 'adam', b: 'sgd' });
    state().train();
    send({ type: 'landscape', runId, requestId: 1, lines, examples: 10_000, seconds: 1 });
    expect(state().landscape?.status).toBe('running');
    // And nothing is asked of a run still training.
    state().showLandscape({ a: 'adam', b: 'sgd' });
    expect(state().landscape?.requestId).toBe(1);
  });
});
