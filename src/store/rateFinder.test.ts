import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../experiment/config';
import type { RateFinderPoint } from '../experiment/lrFinder';
import type { WorkerEvent } from '../train/protocol';
import { createPlaygroundStore, type TrainingPort } from './playgroundStore';

class FakePort implements TrainingPort {
  sweeps: { requestId: number; config: ExperimentConfig; contestant: string }[] = [];
  cancelled: number[] = [];
  load() {}
  stop() {}
  train() {}
  findRate(requestId: number, config: ExperimentConfig, contestant: string) {
    this.sweeps.push({ requestId, config, contestant });
  }
  cancelFindRate(requestId: number) {
    this.cancelled.push(requestId);
  }
}

const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1 };
/** A loss that falls fastest at 1e-3 and blows up past 1, one point a step of the sweep. */
const curve = (from: number, to: number): RateFinderPoint[] =>
  Array.from({ length: to - from }, (_, k) => {
    const rate = 1e-7 * 10 ** ((from + k) / 25);
    const x = Math.log10(rate);
    const loss = 2.3 - 2 / (1 + Math.exp(-(x + 3) * 3)) + (x > 0 ? 100 * x : 0);
    return { rate, loss, smoothed: loss };
  });

function setup() {
  const port = new FakePort();
  const store = createPlaygroundStore(port);
  store.getState().handleEvent(READY);
  return { port, store };
}

describe('the learning-rate finder in the store', () => {
  it("sweeps a contestant with the form's settings, gathers the points, suggests a rate, and Use this rate fills its field", () => {
    const { port, store } = setup();
    store.getState().setText('adam', 'beta1', '0.8');
    store.getState().findRate('adam');
    const [sweep] = port.sweeps;
    expect(sweep.contestant).toBe('adam');
    expect(sweep.config.contestants.find((c) => c.optimizer === 'adam')?.hyperparameters.beta1).toBe(0.8);
    expect(store.getState().rateFinder).toMatchObject({ contestant: 'adam', status: 'running', points: [] });
    store.getState().handleEvent({ type: 'rateFinder', requestId: sweep.requestId, points: curve(0, 100) });
    store.getState().handleEvent({ type: 'rateFinder', requestId: sweep.requestId, points: curve(100, 190) });
    store.getState().handleEvent({ type: 'rateFinder', requestId: sweep.requestId, points: [], end: 'divergence' });
    const finder = store.getState().rateFinder!;
    expect(finder.points).toHaveLength(190);
    expect(finder.status).toBe('done');
    expect(Math.log10(finder.suggestion!.rate)).toBeCloseTo(-3, 1);
    store.getState().useFoundRate();
    expect(store.getState().draft.text['adam.learningRate']).toBe(String(Number(finder.suggestion!.rate.toPrecision(3))));
  });

  it("ignores an older sweep's events, cancels a running sweep when another starts, and suggests nothing from a cancelled one", () => {
    const { port, store } = setup();
    store.getState().findRate('adam');
    store.getState().findRate('sgd');
    expect(port.cancelled).toEqual([port.sweeps[0].requestId]);
    store.getState().handleEvent({ type: 'rateFinder', requestId: port.sweeps[0].requestId, points: curve(0, 50) });
    expect(store.getState().rateFinder).toMatchObject({ contestant: 'sgd', points: [] });
    store.getState().handleEvent({ type: 'rateFinder', requestId: port.sweeps[1].requestId, points: curve(0, 150), end: 'cancelled' });
    expect(store.getState().rateFinder).toMatchObject({ status: 'done', end: 'cancelled', suggestion: undefined });
    store.getState().closeRateFinder();
    expect(store.getState().rateFinder).toBeUndefined();
  });

  it('says why it cannot sweep: data still loading, a form error, a failure from the worker', () => {
    const port = new FakePort();
    const store = createPlaygroundStore(port);
    store.getState().findRate('adam');
    expect(store.getState().rateFinder).toMatchObject({ status: 'failed', message: 'The learning-rate finder needs the dataset; it is still loading.' });
    store.getState().handleEvent(READY);
    store.getState().setText(null, 'epochs', 'x');
    store.getState().findRate('adam');
    expect(store.getState().rateFinder).toMatchObject({ status: 'failed', message: 'Correct the highlighted settings first: the sweep uses them.' });
    store.getState().setText(null, 'epochs', '5');
    store.getState().findRate('adam');
    store.getState().handleEvent({ type: 'rateFinderFailed', requestId: port.sweeps[0].requestId, message: 'The training workers were restarted.' });
    expect(store.getState().rateFinder).toMatchObject({ status: 'failed', message: 'The training workers were restarted.' });
    expect(port.sweeps).toHaveLength(1);
  });
});
