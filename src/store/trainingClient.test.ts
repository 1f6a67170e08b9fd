import { describe, expect, it } from 'vitest';
import { defaultExperiment, trainingContestants } from '../experiment/config';
import { contestantKey, MAX_CONTESTANTS } from '../experiment/contestants';
import { optimizerDefaults } from '../experiment/optimizers';
import type { MnistData } from '../data/shardLoader';
import type { WorkerCommand, WorkerEvent } from '../train/protocol';
import { assignContestants, dealSliceRows, MATRIX_STEP_COST, defaultPoolSize, TrainingClient, WEIGHTS_LOST_IN_RESTART, WEIGHTS_REPLACED } from './trainingClient';

/** Stands in for a Web Worker: records what is posted and lets the test play the worker's side. */
class FakeWorker {
  posted: WorkerCommand[] = [];
  /** The transfer list of each posted command, in the same order. */
  transfers: Transferable[][] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;

  postMessage(command: WorkerCommand, transfer: Transferable[] = []) {
    if (this.terminated) throw new Error('posted to a terminated worker');
    this.posted.push(command);
    this.transfers.push(transfer);
  }

  terminate() {
    this.terminated = true;
  }

  /** The worker posts an event to the page. */
  emit(event: WorkerEvent) {
    this.onmessage?.({ data: event } as MessageEvent<WorkerEvent>);
  }

  /** An uncaught error in the worker; returns whether the page called preventDefault. */
  fail(message: string): boolean {
    let prevented = false;
    this.onerror?.({ message, preventDefault: () => (prevented = true) } as unknown as ErrorEvent);
    return prevented;
  }
}

const URL_A = 'http://localhost/data/mnist/';
const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1 };

/** A client over fake workers; `size` caps the pool (1: the single-worker behaviour). */
function pool(size: number) {
  const workers: FakeWorker[] = [];
  const events: WorkerEvent[] = [];
  const crashes: string[] = [];
  const gaveUp: string[] = [];
  const client = new TrainingClient(
    { onEvent: (event) => events.push(event), onCrash: (message, restarted) => (restarted ? crashes : gaveUp).push(message) },
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
    size,
  );
  return { client, workers, events, crashes, gaveUp, latest: () => workers.at(-1)! };
}

const setup = () => pool(1);

describe('TrainingClient', () => {
  it('creates no worker until load()', () => {
    const { workers } = setup();
    expect(workers).toHaveLength(0);
  });

  it('load(url) creates a worker and posts a load command', () => {
    const { client, workers } = setup();
    client.load(URL_A);
    expect(workers).toHaveLength(1);
    expect(workers[0].posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
    expect(workers[0].terminated).toBe(false);
  });

  it('train, pace and stop post the matching commands to the current worker', () => {
    const { client, latest } = setup();
    client.load(URL_A);
    latest().emit(READY);
    const config = defaultExperiment();
    client.train(3, config, { paused: false, batchesPerSecond: 5 });
    client.pace(3, 'pause');
    client.pace(3, 'step');
    client.pace(2, 'resume'); // another run's: dropped
    client.pace(3, 'speed', null);
    client.stop(3);
    // The worker gets the selected contestants only (the default's unticked Nadam stays home).
    expect(latest().posted).toEqual([
      { type: 'load', dataUrl: URL_A, backend: 'auto' },
      {
        type: 'train',
        runId: 3,
        config: { ...config, contestants: trainingContestants(config) },
        trainings: trainingContestants(config).map((c) => ({ contestant: contestantKey(c), seedOffset: 0 })),
        pacing: { paused: false, batchesPerSecond: 5 },
      },
      { type: 'pace', runId: 3, action: 'pause', batchesPerSecond: undefined },
      { type: 'pace', runId: 3, action: 'step', batchesPerSecond: undefined },
      { type: 'pace', runId: 3, action: 'speed', batchesPerSecond: null },
      { type: 'stop', runId: 3 },
    ]);
  });

  it('refuses to train before a worker has its data, and ignores a stop for no run', () => {
    const { client, latest } = setup();
    expect(() => client.train(1, defaultExperiment())).toThrow(/not ready/);
    client.load(URL_A);
    expect(() => client.train(1, defaultExperiment())).toThrow(/not ready/);
    expect(() => client.stop(1)).not.toThrow();
    expect(latest().posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
  });

  it('passes messages from the worker to onEvent', () => {
    const { client, latest, events, crashes } = setup();
    client.load(URL_A);
    const progress: WorkerEvent = { type: 'dataProgress', progress: { loadedBytes: 1, totalBytes: 2, filesDone: 0, filesTotal: 3 } };
    latest().emit(progress);
    latest().emit(READY);
    expect(events).toEqual([progress, READY]);
    expect(crashes).toEqual([]);
  });

  it('a second load() replaces the worker and ignores the old one', () => {
    const { client, workers, events } = setup();
    client.load(URL_A);
    client.load('http://localhost/other/');
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].posted).toEqual([{ type: 'load', dataUrl: 'http://localhost/other/', backend: 'auto' }]);
    workers[0].emit(READY);
    expect(events).toEqual([]);
  });

  describe('when the worker crashes', () => {
    it('terminates it, starts a fresh one that reloads the same URL, and reports the crash', () => {
      const { client, workers, crashes } = setup();
      client.load(URL_A);
      const prevented = workers[0].fail('Out of memory');

      expect(prevented).toBe(true);
      expect(workers).toHaveLength(2);
      expect(workers[0].terminated).toBe(true);
      expect(workers[1].terminated).toBe(false);
      expect(workers[1].posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
      expect(crashes).toHaveLength(1);
      expect(crashes[0]).toContain('Out of memory');
      expect(crashes[0]).toMatch(/crashed/);
    });

    it('reports a generic detail when the error has no message', () => {
      const { client, workers, crashes } = setup();
      client.load(URL_A);
      workers[0].fail('');
      expect(crashes).toEqual(['The training worker crashed (it stopped unexpectedly).']);
    });

    it('ignores messages and errors that arrive from the old worker afterwards', () => {
      const { client, workers, events, crashes } = setup();
      client.load(URL_A);
      workers[0].fail('boom');
      expect(crashes).toHaveLength(1);

      workers[0].emit(READY);
      expect(workers[0].fail('late error')).toBe(true);

      expect(events).toEqual([]);
      expect(crashes).toHaveLength(1);
      expect(workers).toHaveLength(2);
    });

    it('routes messages from the new worker and sends later commands to it', () => {
      const { client, workers, events } = setup();
      client.load(URL_A);
      workers[0].fail('boom');
      workers[1].emit(READY);
      expect(events).toEqual([READY]);

      client.train(2, defaultExperiment());
      expect(workers[0].posted).toHaveLength(1);
      expect(workers[1].posted.map((c) => c.type)).toEqual(['load', 'train']);
    });

    it('gives up, and says so, when workers keep dying before their first message; load tries again', () => {
      const { client, workers, crashes, gaveUp } = setup();
      client.load(URL_A);
      workers[0].fail('blocked');
      workers[1].fail('blocked');
      expect(workers).toHaveLength(3);
      workers[2].fail('blocked');
      expect(crashes).toHaveLength(2);
      expect(gaveUp).toEqual(['The training worker crashed (blocked).']);
      expect(workers).toHaveLength(3);
      expect(workers.every((w) => w.terminated)).toBe(true);

      client.load(URL_A);
      expect(workers).toHaveLength(4);
      expect(workers[3].posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
    });

    it('keeps restarting workers that did start before they died', () => {
      const { client, workers, gaveUp } = setup();
      client.load(URL_A);
      for (let i = 0; i < 6; i++) {
        workers[i].emit(READY);
        workers[i].fail('out of memory');
      }
      expect(gaveUp).toEqual([]);
      expect(workers).toHaveLength(7);
    });

    it('recovers again from a second crash', () => {
      const { client, workers, crashes } = setup();
      client.load(URL_A);
      workers[0].fail('first');
      workers[1].fail('second');
      expect(workers).toHaveLength(3);
      expect(workers[1].terminated).toBe(true);
      expect(workers[2].posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
      expect(crashes.map((m) => m.includes('first') || m.includes('second'))).toEqual([true, true]);
    });
  });

  it('reports an unreadable message as a crash', () => {
    const { client, latest, crashes } = setup();
    client.load(URL_A);
    latest().onmessageerror?.({} as MessageEvent);
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatch(/could not be read/);
  });

  it('dispose terminates the worker; later messages and errors are ignored', () => {
    const { client, workers, events, crashes } = setup();
    client.load(URL_A);
    client.dispose();
    expect(workers[0].terminated).toBe(true);

    workers[0].emit(READY);
    workers[0].fail('after dispose');
    expect(events).toEqual([]);
    expect(crashes).toEqual([]);
    expect(workers).toHaveLength(1);
    expect(() => client.stop(1)).not.toThrow();
  });

  it('dispose without a worker is harmless', () => {
    const { client } = setup();
    expect(() => client.dispose()).not.toThrow();
  });
});

describe('TrainingClient worker pool', () => {
  const backend = (name: 'wasm' | 'webgl'): WorkerEvent => ({ type: 'backend', backend: { name, reason: 'test', precision: 'float32' } });
  const progress = (runId: number, position: number, samplesPerSecond: number, live: Record<string, { trainLoss: number; trainAccuracy: number; seconds: number }>): WorkerEvent => ({
    type: 'progress',
    runId,
    progress: { epoch: Math.floor(position) + 1, epochs: 5, batch: Math.round((position % 1) * 100), batchesPerEpoch: 100, samplesPerSecond, activeRuns: Object.keys(live).length, position, live },
  });

  it('adds helper workers only on a CPU backend; only the primary downloads the data', () => {
    const cpu = pool(3);
    cpu.client.load(URL_A);
    expect(cpu.workers).toHaveLength(1);
    cpu.workers[0].emit(backend('wasm'));
    expect(cpu.workers).toHaveLength(3);
    expect(cpu.workers[0].posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
    // Helpers take the primary's measured choice instead of measuring again.
    for (const w of cpu.workers.slice(1)) expect(w.posted).toEqual([{ type: 'startHelper', backend: 'wasm' }]);
    // Only the primary speaks for the pool about backend and data.
    cpu.workers[1].emit(backend('wasm'));
    cpu.workers[1].emit(READY);
    expect(cpu.events).toEqual([backend('wasm')]);

    const gpu = pool(3);
    gpu.client.load(URL_A);
    gpu.workers[0].emit(backend('webgl'));
    expect(gpu.workers).toHaveLength(1);
  });

  it('deals the contestants round-robin to the ready workers, each with the same seed and settings', () => {
    const { client, workers } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    const config = defaultExperiment();
    client.train(7, config);
    const sent = workers.map((w) => w.posted.find((c) => c.type === 'train') as Extract<WorkerCommand, { type: 'train' }>);
    expect(sent.map((c) => c.config.contestants.map(contestantKey))).toEqual([
      ['sgd', 'adagrad', 'rmsprop'],
      ['adam', 'adadelta'],
    ]);
    // Each worker gets the whole experiment with only its share of the contestants.
    for (const c of sent) expect({ ...c.config, contestants: config.contestants }).toEqual(config);
    expect(sent.flatMap((c) => c.config.contestants)).toEqual(expect.arrayContaining(trainingContestants(config)));
    expect(sent.flatMap((c) => c.config.contestants)).toHaveLength(trainingContestants(config).length);
    expect(assignContestants(['adam'], 4)).toEqual([['adam']]);
    expect(assignContestants([1, 2, 3, 4, 5], 2)).toEqual([[1, 3, 5], [2, 4]]);
    expect(assignContestants([], 3)).toEqual([]);
  });

  it('deals a costly training (Muon) away from the others, each share in the run order', () => {
    // Round-robin would give Muon's worker five more (costs 8 + 5 against 5); dealt by cost, 8 + 1 against 9.
    const ids = ['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop', 'nadam', 'adamw', 'adamax', 'lion', 'ftrl', 'muon'];
    const groups = assignContestants(ids, 2, (id) => (id === 'muon' ? MATRIX_STEP_COST : 1));
    expect(groups).toEqual([['lion', 'muon'], ['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop', 'nadam', 'adamw', 'adamax', 'ftrl']]);
    // Equal costs: round-robin, as before.
    expect(assignContestants(ids.slice(0, 5), 2, () => 1)).toEqual([['sgd', 'adagrad', 'rmsprop'], ['adam', 'adadelta']]);
  });

  it('deals every seed of every contestant to the pool, and routes evaluation and drawn digits to the first seeds', () => {
    const { client, workers } = pool(3);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    const config = defaultExperiment();
    config.seeds = 3;
    for (const c of config.contestants) c.selected = c.optimizer === 'sgd' || c.optimizer === 'adam';
    client.train(8, config);
    const sent = workers.map((w) => w.posted.find((c) => c.type === 'train') as Extract<WorkerCommand, { type: 'train' }>);
    // Six trainings, contestant by contestant, dealt round-robin: two per worker.
    expect(sent.map((c) => c.trainings!.map((t) => `${t.contestant}+${t.seedOffset}`))).toEqual([
      ['sgd+0', 'adam+0'],
      ['sgd+1', 'adam+1'],
      ['sgd+2', 'adam+2'],
    ]);
    for (const c of sent) expect(c.config.contestants.map(contestantKey)).toEqual(['sgd', 'adam']);
    // The first seeds' weights (all on the first worker here) answer evaluation and drawn digits.
    client.evaluate(8, 'adam');
    client.predict(8, 1, new Float32Array(784));
    expect(workers[0].posted.filter((c) => c.type === 'evaluate' || c.type === 'predict').map((c) => c.type)).toEqual(['evaluate', 'predict']);
    for (const w of workers.slice(1)) expect(w.posted.filter((c) => c.type === 'evaluate' || c.type === 'predict')).toEqual([]);
  });

  it('sends only the selected contestants, Adam 2 beside Adam, each with its own settings', () => {
    const { client, workers } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    const config = defaultExperiment();
    for (const c of config.contestants) c.selected = c.optimizer === 'adam' || c.optimizer === 'rmsprop';
    const adam2 = { optimizer: 'adam' as const, ordinal: 2, selected: true, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } };
    config.contestants.splice(2, 0, adam2);
    config.network = { hiddenLayers: [256, 256], activation: 'tanh' };
    client.train(8, config);
    const sent = workers.map((w) => w.posted.find((c) => c.type === 'train') as Extract<WorkerCommand, { type: 'train' }>);
    expect(sent.map((c) => c.config.contestants.map(contestantKey))).toEqual([['adam', 'rmsprop'], ['adam2']]);
    expect(sent[1].config.contestants).toEqual([adam2]);
    for (const c of sent) {
      expect(c.config.contestants.every((x) => x.selected)).toBe(true);
      expect(c.config.network).toEqual({ hiddenLayers: [256, 256], activation: 'tanh' });
      expect(c.config.seed).toBe(config.seed);
    }
  });

  it('forwards run events keyed by contestant ("adam2") as they are, only for the current run', () => {
    const { client, workers, events } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    client.train(4, defaultExperiment());
    const m = { epoch: 1, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.5, seconds: 1, samplesPerSecond: 1 };
    workers[1].emit({ type: 'runStatus', runId: 4, contestant: 'adam2', status: 'training' });
    workers[1].emit({ type: 'epoch', runId: 4, contestant: 'adam2', metrics: m });
    workers[1].emit({ type: 'epoch', runId: 3, contestant: 'adam2', metrics: m });
    expect(events.filter((e) => e.type === 'runStatus' || e.type === 'epoch')).toEqual([
      { type: 'runStatus', runId: 4, contestant: 'adam2', status: 'training' },
      { type: 'epoch', runId: 4, contestant: 'adam2', metrics: m },
    ]);
  });

  it('with one contestant and several workers, trains on one worker only', () => {
    const { client, workers } = pool(3);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    const config = defaultExperiment();
    for (const c of config.contestants) c.selected = c.optimizer === 'adagrad';
    client.train(9, config);
    expect(workers.map((w) => w.posted.filter((c) => c.type === 'train').length)).toEqual([1, 0, 0]);
  });

  it('sizes the pool by the cores, up to the most contestants a run trains', () => {
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(1);
    expect(defaultPoolSize()).toBeLessThanOrEqual(MAX_CONTESTANTS);
  });

  it('trains on the workers that are ready and leaves a still-loading helper out', () => {
    const { client, workers } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers[0].emit(READY);
    client.train(1, defaultExperiment());
    expect(workers[0].posted.some((c) => c.type === 'train')).toBe(true);
    expect(workers[1].posted.some((c) => c.type === 'train')).toBe(false);
  });

  it('reports one finish when every worker has finished, stopped if any stopped', () => {
    const { client, workers, events } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    client.train(2, defaultExperiment());
    workers[0].emit({ type: 'epoch', runId: 2, contestant: 'sgd', metrics: { epoch: 1, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.5, seconds: 1, samplesPerSecond: 1 } });
    workers[0].emit({ type: 'runFinished', runId: 2, outcome: 'done' });
    expect(events.filter((e) => e.type === 'runFinished')).toEqual([]);
    workers[1].emit({ type: 'runFinished', runId: 2, outcome: 'stopped' });
    expect(events.filter((e) => e.type === 'runFinished')).toEqual([{ type: 'runFinished', runId: 2, outcome: 'stopped' }]);
    expect(events.some((e) => e.type === 'epoch')).toBe(true);
  });

  it('merges progress: summed throughput, the slowest position, live points from their own worker', () => {
    const { client, workers, events } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    client.train(3, defaultExperiment());
    workers[0].emit(progress(3, 0.5, 1000, { sgd: { trainLoss: 1, trainAccuracy: 0.5, seconds: 1 } }));
    workers[1].emit(progress(3, 0.25, 800, { adam: { trainLoss: 2, trainAccuracy: 0.4, seconds: 1 } }));
    const last = events.at(-1) as Extract<WorkerEvent, { type: 'progress' }>;
    expect(last.progress.samplesPerSecond).toBe(1800);
    expect(last.progress.batch).toBe(25);
    expect(last.progress.live).toEqual({ adam: { trainLoss: 2, trainAccuracy: 0.4, seconds: 1 } });
    expect(last.progress.position).toBe(0.25);
  });

  it('on one worker\'s failure stops the others and reports it once', () => {
    const { client, workers, events } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    client.train(4, defaultExperiment());
    workers[1].emit({ type: 'runFailed', runId: 4, message: 'out of memory' });
    workers[0].emit({ type: 'runFailed', runId: 4, message: 'second' });
    expect(events.filter((e) => e.type === 'runFailed')).toEqual([{ type: 'runFailed', runId: 4, message: 'out of memory' }]);
    for (const w of workers) expect(w.posted).toContainEqual({ type: 'stop', runId: 4 });
  });

  it('reports a data error once, from the primary; helpers are asked for nothing and stay out of runs', () => {
    const { client, workers, events } = pool(3);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    const failure: WorkerEvent = { type: 'dataError', file: 'train-images-3.bin', message: 'Data shard train-images-3.bin is missing (HTTP 404).' };
    workers[0].emit(failure);
    expect(events.filter((e) => e.type === 'dataError')).toEqual([failure]);
    expect(workers[0].posted.some((c) => c.type === 'shareData')).toBe(false);
    expect(client.readyWorkers).toBe(0);
    expect(() => client.train(1, defaultExperiment())).toThrow(/not ready/);
  });

  it('restarts the whole pool when any worker crashes; the fresh primary downloads again', () => {
    const { client, workers, crashes } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers[0].emit(READY);
    workers[1].fail('boom');
    expect(crashes).toHaveLength(1);
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].terminated).toBe(true);
    expect(workers.at(-1)!.posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
    expect(client.readyWorkers).toBe(0);
  });

  it('runs a learning-rate sweep on the primary, passes on only its events, cancels it there, and fails it when the pool restarts', () => {
    const { client, workers, events } = pool(2);
    client.findRate(1, defaultExperiment(), 'adam');
    expect(events).toEqual([{ type: 'rateFinderFailed', requestId: 1, message: 'The dataset is not loaded yet.' }]);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    events.length = 0;
    client.findRate(2, defaultExperiment(), 'adam');
    expect(workers[0].posted.at(-1)).toEqual({ type: 'findRate', requestId: 2, config: defaultExperiment(), contestant: 'adam' });
    const points = [{ rate: 1e-7, loss: 2.3, smoothed: 2.3 }];
    workers[1].emit({ type: 'rateFinder', requestId: 2, points });
    workers[0].emit({ type: 'rateFinder', requestId: 1, points });
    workers[0].emit({ type: 'rateFinder', requestId: 2, points });
    expect(events).toEqual([{ type: 'rateFinder', requestId: 2, points }]);
    client.cancelFindRate(2);
    expect(workers[0].posted.at(-1)).toEqual({ type: 'cancelFindRate', requestId: 2 });
    workers[1].fail('boom');
    expect(events.at(-1)).toEqual({ type: 'rateFinderFailed', requestId: 2, message: 'The training workers were restarted, so the learning-rate sweep stopped. Press Find learning rate again.' });
  });

  it('sums the workers\' memory into one report once all have answered', () => {
    const { client, workers, events } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    client.measureMemory();
    for (const w of workers) expect(w.posted).toContainEqual({ type: 'memory' });
    workers[0].emit({ type: 'memory', numTensors: 3, numBytes: 100, busy: false, workers: 1, dataDelivery: ['downloaded'], crossOriginIsolated: true });
    expect(events.filter((e) => e.type === 'memory')).toEqual([]);
    workers[1].emit({ type: 'memory', numTensors: 4, numBytes: 50, busy: true, workers: 1, dataDelivery: ['shared'], crossOriginIsolated: true });
    expect(events.filter((e) => e.type === 'memory')).toEqual([
      { type: 'memory', numTensors: 7, numBytes: 150, busy: true, workers: 2, dataDelivery: ['downloaded', 'shared'], crossOriginIsolated: true },
    ]);
  });

  it('starts helpers on the backend the primary got, and keeps the user’s choice on recovery', () => {
    const { client, workers } = pool(2);
    client.load(URL_A, 'webgl');
    workers[0].emit(backend('wasm')); // webgl could not start: the pool grows on the CPU
    expect(workers.map((w) => w.posted[0])).toEqual([
      { type: 'load', dataUrl: URL_A, backend: 'webgl' },
      { type: 'startHelper', backend: 'wasm' },
    ]);
    workers[1].fail('boom');
    expect(workers.at(-1)!.posted[0]).toEqual({ type: 'load', dataUrl: URL_A, backend: 'webgl' });
    client.loseWebglContext();
    expect(workers.at(-1)!.posted).toContainEqual({ type: 'loseWebglContext' });
  });

  it('sizes the pool once: a later backend change (a lost GPU) does not grow it', () => {
    const { client, workers } = pool(3);
    client.load(URL_A);
    workers[0].emit(backend('webgl'));
    workers[0].emit(READY);
    workers[0].emit(backend('wasm'));
    expect(workers).toHaveLength(1);
  });
});

describe('TrainingClient dataset sharing', () => {
  const wasm: WorkerEvent = { type: 'backend', backend: { name: 'wasm', reason: 'test', precision: 'float32' } };
  const tinyDataset = (shared: boolean): MnistData => {
    const bytes = (length: number) => new Uint8Array(shared ? new SharedArrayBuffer(length) : new ArrayBuffer(length));
    return { train: { count: 1, images: bytes(784), labels: bytes(1) }, test: { count: 1, images: bytes(784), labels: bytes(1) } };
  };
  const shareRequests = (worker: FakeWorker) => worker.posted.filter((c): c is Extract<WorkerCommand, { type: 'shareData' }> => c.type === 'shareData');
  const received = (worker: FakeWorker) => worker.posted.filter((c) => c.type === 'receiveData');

  it('asks the primary for each helper\'s dataset once, only after its own is ready, and relays each to its helper', () => {
    const { client, workers } = pool(3);
    client.load(URL_A);
    workers[0].emit(wasm);
    const [primary, first, second] = workers;
    expect(shareRequests(primary)).toEqual([]);

    primary.emit(READY);
    const requests = shareRequests(primary);
    expect(requests).toHaveLength(2);
    expect(new Set(requests.map((r) => r.helper)).size).toBe(2);

    const copy = tinyDataset(false);
    primary.emit({ type: 'dataForHelper', helper: requests[0].helper, data: copy, delivery: 'copied' });
    expect(received(first)).toEqual([{ type: 'receiveData', data: copy, delivery: 'copied' }]);
    // Relayed by transfer: the copy moves on to the helper, the page keeps nothing.
    expect(first.transfers.at(-1)).toEqual([copy.train.images.buffer, copy.train.labels.buffer, copy.test.images.buffer, copy.test.labels.buffer]);
    expect(received(second)).toEqual([]);

    // A helper counts as ready when it says so, not when its dataset is sent.
    expect(client.readyWorkers).toBe(1);
    first.emit(READY);
    expect(client.readyWorkers).toBe(2);
    expect(shareRequests(primary)).toHaveLength(2);
  });

  it('relays a shared dataset without a transfer list (the helper reads the same memory)', () => {
    const { client, workers } = pool(2);
    client.load(URL_A);
    workers[0].emit(wasm);
    workers[0].emit(READY);
    const shared = tinyDataset(true);
    workers[0].emit({ type: 'dataForHelper', helper: shareRequests(workers[0])[0].helper, data: shared, delivery: 'shared' });
    expect(received(workers[1])).toEqual([{ type: 'receiveData', data: shared, delivery: 'shared' }]);
    expect(workers[1].transfers.at(-1)).toEqual([]);
  });

  it('asks at once for helpers that start after the primary already has the data', () => {
    const { client, workers } = pool(3);
    client.load(URL_A);
    workers[0].emit(READY); // the download finished before the backend was chosen
    expect(workers).toHaveLength(1);
    workers[0].emit(wasm);
    expect(workers).toHaveLength(3);
    expect(shareRequests(workers[0])).toHaveLength(2);
  });

  it('drops a dataset for a helper that is gone, and ignores one not sent by the primary', () => {
    const { client, workers } = pool(2);
    client.load(URL_A);
    workers[0].emit(wasm);
    workers[0].emit(READY);
    const stale = { type: 'dataForHelper', helper: 9999, data: tinyDataset(false), delivery: 'copied' } as const;
    expect(() => workers[0].emit(stale)).not.toThrow();
    workers[1].emit({ ...stale, helper: shareRequests(workers[0])[0].helper });
    expect(received(workers[1])).toEqual([]);
  });

  it('after a crash, the new primary shares with the new helpers and the old pool gets nothing', () => {
    const { client, workers } = pool(2);
    client.load(URL_A);
    workers[0].emit(wasm);
    workers[0].emit(READY);
    const oldRequest = shareRequests(workers[0])[0];
    workers[0].fail('boom');
    const primary = workers[2];
    primary.emit(wasm);
    primary.emit(READY);
    const [request] = shareRequests(primary);
    expect(request.helper).not.toBe(oldRequest.helper);
    primary.emit({ type: 'dataForHelper', helper: oldRequest.helper, data: tinyDataset(false), delivery: 'copied' });
    expect(received(workers[1])).toEqual([]);
    primary.emit({ type: 'dataForHelper', helper: request.helper, data: tinyDataset(false), delivery: 'copied' });
    expect(received(workers[3])).toHaveLength(1);
  });
});

const WASM: WorkerEvent = { type: 'backend', backend: { name: 'wasm', reason: 'test', precision: 'float32' } };

/** Two workers that trained run 5 of the default five: sgd, adagrad, rmsprop on the first; adam, adadelta on the second. */
function trainedPool() {
  const p = pool(2);
  p.client.load(URL_A);
  p.workers[0].emit(WASM);
  p.workers.forEach((w) => w.emit(READY));
  p.client.train(5, defaultExperiment());
  return p;
}
const sentTo = (worker: FakeWorker, type: WorkerCommand['type']) => worker.posted.filter((c) => c.type === type);

describe('TrainingClient evaluation and prediction', () => {
  const EVALUATION = { confusion: new Array<number>(100).fill(100), testCount: 10_000, correct: 1000, misclassified: [], seconds: 0.2 };
  const probabilities = (digit: number) => Array.from({ length: 10 }, (_, d) => (d === digit ? 0.91 : 0.01));
  const pixels = new Float32Array(784).fill(0.5);


  it('sends evaluate to the worker that trained the contestant and passes its answer on once', () => {
    const { client, workers, events } = trainedPool();
    client.evaluate(5, 'adam');
    client.evaluate(5, 'rmsprop');
    expect(sentTo(workers[0], 'evaluate')).toEqual([{ type: 'evaluate', runId: 5, contestant: 'rmsprop' }]);
    expect(sentTo(workers[1], 'evaluate')).toEqual([{ type: 'evaluate', runId: 5, contestant: 'adam' }]);
    const answer: WorkerEvent = { type: 'evaluation', runId: 5, contestant: 'adam', ...EVALUATION };
    // Another worker's word on adam counts for nothing; the owner's does, once.
    workers[0].emit(answer);
    expect(events.filter((e) => e.type === 'evaluation')).toEqual([]);
    workers[1].emit(answer);
    workers[1].emit(answer);
    expect(events.filter((e) => e.type === 'evaluation')).toEqual([answer]);
    const failure: WorkerEvent = { type: 'evaluationFailed', runId: 5, contestant: 'rmsprop', message: 'RMSprop diverged, so it has no weights to evaluate.' };
    workers[0].emit(failure);
    expect(events.filter((e) => e.type === 'evaluationFailed')).toEqual([failure]);
  });

  it('asks every worker of the run to predict and merges their replies into one, in lineup order', () => {
    const { client, workers, events } = trainedPool();
    client.predict(5, 1, pixels);
    for (const w of workers) expect(sentTo(w, 'predict')).toEqual([{ type: 'predict', runId: 5, requestId: 1, pixels }]);
    // The second worker answers first; adadelta diverged there and is left out by the worker.
    workers[1].emit({ type: 'prediction', runId: 5, requestId: 1, results: [{ contestant: 'adam', probabilities: probabilities(7) }] });
    expect(events.filter((e) => e.type === 'prediction')).toEqual([]);
    workers[0].emit({
      type: 'prediction',
      runId: 5,
      requestId: 1,
      results: ['sgd', 'adagrad', 'rmsprop'].map((contestant) => ({ contestant, probabilities: probabilities(1) })),
    });
    const merged = events.filter((e) => e.type === 'prediction');
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ runId: 5, requestId: 1 });
    // The lineup's order, whichever worker answered first (Adadelta's missing).
    const order = trainingContestants(defaultExperiment()).map(contestantKey).filter((k) => k !== 'adadelta');
    expect((merged[0] as Extract<WorkerEvent, { type: 'prediction' }>).results.map((r) => r.contestant)).toEqual(order);
    // A late duplicate does nothing.
    workers[0].emit({ type: 'prediction', runId: 5, requestId: 1, results: [] });
    expect(events.filter((e) => e.type === 'prediction')).toHaveLength(1);
  });

  it('fails a prediction as soon as one worker cannot answer', () => {
    const { client, workers, events } = trainedPool();
    client.predict(5, 2, pixels);
    workers[0].emit({ type: 'predictionFailed', runId: 5, requestId: 2, message: 'A drawing is 784 pixels.' });
    workers[1].emit({ type: 'prediction', runId: 5, requestId: 2, results: [] });
    expect(events.filter((e) => e.type === 'prediction' || e.type === 'predictionFailed')).toEqual([
      { type: 'predictionFailed', runId: 5, requestId: 2, message: 'A drawing is 784 pixels.' },
    ]);
  });

  it('a new run fails the pending requests of the previous one, and requests for it fail at once', () => {
    const { client, workers, events } = trainedPool();
    client.evaluate(5, 'adam');
    client.predict(5, 3, pixels);
    client.train(6, defaultExperiment());
    expect(events.filter((e) => e.type === 'evaluationFailed' || e.type === 'predictionFailed')).toEqual([
      { type: 'evaluationFailed', runId: 5, contestant: 'adam', message: WEIGHTS_REPLACED },
      { type: 'predictionFailed', runId: 5, requestId: 3, message: WEIGHTS_REPLACED },
    ]);
    // The old answers arrive after all: ignored.
    workers[1].emit({ type: 'evaluation', runId: 5, contestant: 'adam', ...EVALUATION });
    expect(events.filter((e) => e.type === 'evaluation')).toEqual([]);
    const before = workers.map((w) => w.posted.length);
    client.evaluate(5, 'sgd');
    client.predict(5, 4, pixels);
    expect(workers.map((w) => w.posted.length)).toEqual(before);
    expect(events.slice(-2)).toEqual([
      { type: 'evaluationFailed', runId: 5, contestant: 'sgd', message: WEIGHTS_REPLACED },
      { type: 'predictionFailed', runId: 5, requestId: 4, message: WEIGHTS_REPLACED },
    ]);
    client.evaluate(6, 'nadam');
    expect(events.at(-1)).toMatchObject({ type: 'evaluationFailed', runId: 6, contestant: 'nadam', message: expect.stringMatching(/did not train/) });
  });

  it('a worker crash fails what is pending, and the weights are gone for later requests', () => {
    const { client, workers, events, crashes } = trainedPool();
    client.evaluate(5, 'sgd');
    client.predict(5, 7, pixels);
    workers[1].fail('out of memory');
    expect(crashes).toHaveLength(1);
    expect(events.filter((e) => e.type === 'evaluationFailed' || e.type === 'predictionFailed')).toEqual([
      { type: 'evaluationFailed', runId: 5, contestant: 'sgd', message: WEIGHTS_LOST_IN_RESTART },
      { type: 'predictionFailed', runId: 5, requestId: 7, message: WEIGHTS_LOST_IN_RESTART },
    ]);
    // The old first worker's late answer is not passed on.
    workers[0].emit({ type: 'evaluation', runId: 5, contestant: 'sgd', ...EVALUATION });
    expect(events.filter((e) => e.type === 'evaluation')).toEqual([]);
    client.evaluate(5, 'sgd');
    expect(events.at(-1)).toEqual({ type: 'evaluationFailed', runId: 5, contestant: 'sgd', message: WEIGHTS_LOST_IN_RESTART });
    // Nothing was posted to the fresh workers.
    expect(workers.slice(2).flatMap((w) => w.posted.map((c) => c.type))).not.toContain('evaluate');
  });
});

describe('TrainingClient landscape', () => {
  const line = (contestant: string) => ({ contestant, losses: [2.3, 0.1] });
  const ALL = ['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop'];
  const landscapeEvents = (events: WorkerEvent[]) => events.filter((e) => e.type.startsWith('landscape'));

  it('asks each worker for the lines of its own contestants and merges them into one result in lineup order', () => {
    const { client, workers, events } = trainedPool();
    client.landscape(5, 1, ALL);
    expect(sentTo(workers[0], 'landscape')).toEqual([{ type: 'landscape', runId: 5, requestId: 1, contestants: ['sgd', 'adagrad', 'rmsprop'], slice: undefined }]);
    expect(sentTo(workers[1], 'landscape')).toEqual([{ type: 'landscape', runId: 5, requestId: 1, contestants: ['adam', 'adadelta'], slice: undefined }]);
    workers[1].emit({ type: 'landscapeProgress', runId: 5, requestId: 1, done: 10, total: 100 });
    workers[0].emit({ type: 'landscapeProgress', runId: 5, requestId: 1, done: 30, total: 150 });
    expect(landscapeEvents(events).map((e) => e.type === 'landscapeProgress' && [e.done, e.total])).toEqual([
      [10, 100],
      [40, 250],
    ]);
    workers[1].emit({ type: 'landscape', runId: 5, requestId: 1, lines: [line('adam'), line('adadelta')], examples: 10_000, seconds: 1.5 });
    expect(events.filter((e) => e.type === 'landscape')).toEqual([]);
    workers[0].emit({ type: 'landscape', runId: 5, requestId: 1, lines: ['sgd', 'adagrad', 'rmsprop'].map(line), examples: 10_000, seconds: 2 });
    const merged = events.filter((e) => e.type === 'landscape');
    expect(merged).toEqual([{ type: 'landscape', runId: 5, requestId: 1, lines: ALL.map(line), slice: undefined, examples: 10_000, seconds: 2 }]);
    // A late duplicate or another run's answer does nothing.
    workers[0].emit({ type: 'landscape', runId: 5, requestId: 1, lines: [], examples: 10_000, seconds: 2 });
    expect(events.filter((e) => e.type === 'landscape')).toHaveLength(1);
  });

  it('deals the slice\'s rows to all the run\'s workers, each getting copies of the weights it lacks first', () => {
    const { client, workers, events } = trainedPool();
    client.landscape(5, 2, ALL, { a: 'sgd', b: 'adam' });
    // Nothing is computed before the weights arrive: SGD's from the first worker, Adam's from the second.
    expect(workers.flatMap((w) => sentTo(w, 'landscape'))).toEqual([]);
    expect(sentTo(workers[0], 'landscapeWeights')).toEqual([{ type: 'landscapeWeights', runId: 5, requestId: 2, contestant: 'sgd' }]);
    expect(sentTo(workers[1], 'landscapeWeights')).toEqual([{ type: 'landscapeWeights', runId: 5, requestId: 2, contestant: 'adam' }]);
    const sgdWeights = [new Float32Array(4), new Float32Array(2)];
    const adamWeights = [new Float32Array(4).fill(1), new Float32Array(2)];
    // Only the owner's reply counts, and nothing goes out until both have come.
    workers[1].emit({ type: 'landscapeWeights', runId: 5, requestId: 2, contestant: 'sgd', weights: sgdWeights });
    workers[0].emit({ type: 'landscapeWeights', runId: 5, requestId: 2, contestant: 'sgd', weights: sgdWeights });
    expect(workers.flatMap((w) => sentTo(w, 'landscape'))).toEqual([]);
    workers[1].emit({ type: 'landscapeWeights', runId: 5, requestId: 2, contestant: 'adam', weights: adamWeights });
    const [first] = sentTo(workers[0], 'landscape') as Extract<WorkerCommand, { type: 'landscape' }>[];
    const [second] = sentTo(workers[1], 'landscape') as Extract<WorkerCommand, { type: 'landscape' }>[];
    expect(first).toMatchObject({ contestants: ['sgd', 'adagrad', 'rmsprop'], slice: { a: 'sgd', b: 'adam', lent: [{ contestant: 'adam', weights: adamWeights }] } });
    expect(second).toMatchObject({ contestants: ['adam', 'adadelta'], slice: { a: 'sgd', b: 'adam', lent: [{ contestant: 'sgd', weights: sgdWeights }] } });
    // Every row once; the second worker, with fewer lines, gets more of them.
    expect([...first.slice!.rows, ...second.slice!.rows].sort((x, y) => x - y)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(second.slice!.rows.length).toBeGreaterThan(first.slice!.rows.length);
    // Each worker answers for its rows; the merged slice has them in order.
    const part = (rows: number[]) => ({ a: 'sgd', b: 'adam', rows, losses: rows.flatMap((row) => Array.from({ length: 21 }, (_, i) => row * 100 + i)) });
    workers[1].emit({ type: 'landscape', runId: 5, requestId: 2, lines: [line('adam'), line('adadelta')], slice: part(second.slice!.rows), examples: 10_000, seconds: 3 });
    workers[0].emit({ type: 'landscape', runId: 5, requestId: 2, lines: ['sgd', 'adagrad', 'rmsprop'].map(line), slice: part(first.slice!.rows), examples: 10_000, seconds: 1 });
    const merged = events.filter((e) => e.type === 'landscape');
    expect(merged).toEqual([
      { type: 'landscape', runId: 5, requestId: 2, lines: ALL.map(line), slice: part(Array.from({ length: 21 }, (_, i) => i)), examples: 10_000, seconds: 3 },
    ]);
  });

  it('lends nothing when each worker computing rows holds both contestants of the slice', () => {
    const p = pool(1);
    p.client.load(URL_A);
    p.workers[0].emit(READY);
    p.client.train(5, defaultExperiment());
    p.client.landscape(5, 3, ALL, { a: 'adam', b: 'sgd' });
    expect(sentTo(p.workers[0], 'landscapeWeights')).toEqual([]);
    expect(sentTo(p.workers[0], 'landscape')).toEqual([
      { type: 'landscape', runId: 5, requestId: 3, contestants: ALL, slice: { a: 'adam', b: 'sgd', rows: Array.from({ length: 21 }, (_, i) => i), lent: undefined } },
    ]);
  });

  it('balances the points: a row goes to the least loaded worker', () => {
    const lines: Record<string, number> = { w0: 3, w1: 2, w2: 0 };
    const rows = dealSliceRows(['w0', 'w1', 'w2'], (w) => lines[w], 21, 21, 61);
    expect([...rows.values()].flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    const loads = ['w0', 'w1', 'w2'].map((w) => lines[w] * 61 + (rows.get(w)?.length ?? 0) * 21);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(21);
  });

  it('Cancel tells every worker computing it and drops its later events', () => {
    const { client, workers, events } = trainedPool();
    client.landscape(5, 4, ALL);
    client.cancelLandscape(4);
    for (const w of workers) expect(sentTo(w, 'cancelLandscape')).toEqual([{ type: 'cancelLandscape', requestId: 4 }]);
    workers[0].emit({ type: 'landscapeProgress', runId: 5, requestId: 4, done: 1, total: 2 });
    workers[1].emit({ type: 'landscape', runId: 5, requestId: 4, lines: [line('adam')], examples: 10_000, seconds: 1 });
    expect(landscapeEvents(events)).toEqual([]);
  });

  it('fails at the first failure and stops the other workers', () => {
    const { client, workers, events } = trainedPool();
    client.landscape(5, 5, ALL);
    const failure: WorkerEvent = { type: 'landscapeFailed', runId: 5, requestId: 5, message: 'The landscape could not be computed: Adadelta diverged, so it has no weights to evaluate.' };
    workers[1].emit(failure);
    expect(sentTo(workers[0], 'cancelLandscape')).toEqual([{ type: 'cancelLandscape', requestId: 5 }]);
    workers[0].emit({ type: 'landscape', runId: 5, requestId: 5, lines: [], examples: 10_000, seconds: 1 });
    expect(landscapeEvents(events)).toEqual([failure]);
    // The lender of a slice's weights may fail too.
    client.landscape(5, 6, [], { a: 'sgd', b: 'adam' });
    workers[1].emit({ type: 'landscapeFailed', runId: 5, requestId: 6, message: 'gone' });
    expect(landscapeEvents(events).at(-1)).toEqual({ type: 'landscapeFailed', runId: 5, requestId: 6, message: 'gone' });
  });

  it('a new run or a crash fails a pending landscape; one for weights that are gone fails at once', () => {
    const { client, workers, events } = trainedPool();
    client.landscape(5, 7, ALL);
    client.train(6, defaultExperiment());
    expect(landscapeEvents(events)).toEqual([{ type: 'landscapeFailed', runId: 5, requestId: 7, message: WEIGHTS_REPLACED }]);
    const before = workers.map((w) => w.posted.length);
    client.landscape(5, 8, ALL);
    expect(workers.map((w) => w.posted.length)).toEqual(before);
    expect(landscapeEvents(events).at(-1)).toEqual({ type: 'landscapeFailed', runId: 5, requestId: 8, message: WEIGHTS_REPLACED });
    client.landscape(6, 9, ['nadam']);
    expect(landscapeEvents(events).at(-1)).toMatchObject({ type: 'landscapeFailed', requestId: 9, message: expect.stringMatching(/"nadam" did not train/) });
    client.landscape(6, 10, ALL);
    workers[0].fail('out of memory');
    expect(landscapeEvents(events).at(-1)).toEqual({ type: 'landscapeFailed', runId: 6, requestId: 10, message: WEIGHTS_LOST_IN_RESTART });
  });
});
