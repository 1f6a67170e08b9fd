import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../experiment/config';
import type { WorkerCommand, WorkerEvent } from '../train/protocol';
import { assignOptimizers, TrainingClient } from './trainingClient';

/** Stands in for a Web Worker: records what is posted and lets the test play the worker's side. */
class FakeWorker {
  posted: WorkerCommand[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;

  postMessage(command: WorkerCommand) {
    if (this.terminated) throw new Error('posted to a terminated worker');
    this.posted.push(command);
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
  const client = new TrainingClient(
    { onEvent: (event) => events.push(event), onCrash: (message) => crashes.push(message) },
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
    size,
  );
  return { client, workers, events, crashes, latest: () => workers.at(-1)! };
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

  it('train and stop post the matching commands to the current worker', () => {
    const { client, latest } = setup();
    client.load(URL_A);
    latest().emit(READY);
    const config = defaultExperiment();
    client.train(3, config);
    client.stop(3);
    expect(latest().posted).toEqual([
      { type: 'load', dataUrl: URL_A, backend: 'auto' },
      { type: 'train', runId: 3, config },
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
  const progress = (runId: number, position: number, samplesPerSecond: number, live: Record<string, { trainLoss: number; trainAccuracy: number }>): WorkerEvent => ({
    type: 'progress',
    runId,
    progress: { epoch: Math.floor(position) + 1, epochs: 5, batch: Math.round((position % 1) * 100), batchesPerEpoch: 100, samplesPerSecond, activeRuns: Object.keys(live).length, position, live },
  });

  it('adds helper workers only on a CPU backend, each loading the same data', () => {
    const cpu = pool(3);
    cpu.client.load(URL_A);
    expect(cpu.workers).toHaveLength(1);
    cpu.workers[0].emit(backend('wasm'));
    expect(cpu.workers).toHaveLength(3);
    for (const w of cpu.workers) expect(w.posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
    // Only the primary speaks for the pool about backend and data.
    cpu.workers[1].emit(backend('wasm'));
    cpu.workers[1].emit(READY);
    expect(cpu.events).toEqual([backend('wasm')]);

    const gpu = pool(3);
    gpu.client.load(URL_A);
    gpu.workers[0].emit(backend('webgl'));
    expect(gpu.workers).toHaveLength(1);
  });

  it('deals the optimizers round-robin to the ready workers, each with the same seed and settings', () => {
    const { client, workers } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers.forEach((w) => w.emit(READY));
    const config = defaultExperiment();
    client.train(7, config);
    const sent = workers.map((w) => w.posted.find((c) => c.type === 'train') as Extract<WorkerCommand, { type: 'train' }>);
    expect(sent.map((c) => c.config.optimizers)).toEqual([
      ['sgd', 'adagrad', 'rmsprop'],
      ['adam', 'adadelta'],
    ]);
    for (const c of sent) expect({ ...c.config, optimizers: config.optimizers }).toEqual(config);
    expect(assignOptimizers(['adam'], 4)).toEqual([['adam']]);
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
    workers[0].emit({ type: 'epoch', runId: 2, optimizer: 'sgd', metrics: { epoch: 1, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.5, seconds: 1, samplesPerSecond: 1 } });
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
    workers[0].emit(progress(3, 0.5, 1000, { sgd: { trainLoss: 1, trainAccuracy: 0.5 } }));
    workers[1].emit(progress(3, 0.25, 800, { adam: { trainLoss: 2, trainAccuracy: 0.4 } }));
    const last = events.at(-1) as Extract<WorkerEvent, { type: 'progress' }>;
    expect(last.progress.samplesPerSecond).toBe(1800);
    expect(last.progress.batch).toBe(25);
    expect(last.progress.live).toEqual({ adam: { trainLoss: 2, trainAccuracy: 0.4 } });
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

  it('drops a helper that cannot load its data, and restarts the whole pool when any worker crashes', () => {
    const { client, workers, events, crashes } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    workers[1].emit({ type: 'dataError', file: 'x.bin', message: 'broken' });
    expect(workers[1].terminated).toBe(true);
    expect(events.some((e) => e.type === 'dataError')).toBe(false);
    workers[0].emit(READY);
    expect(client.readyWorkers).toBe(1);

    workers[0].fail('boom');
    expect(crashes).toHaveLength(1);
    expect(workers[0].terminated).toBe(true);
    expect(workers.at(-1)!.posted).toEqual([{ type: 'load', dataUrl: URL_A, backend: 'auto' }]);
  });

  it('sums the workers\' memory into one report once all have answered', () => {
    const { client, workers, events } = pool(2);
    client.load(URL_A);
    workers[0].emit(backend('wasm'));
    client.measureMemory();
    for (const w of workers) expect(w.posted).toContainEqual({ type: 'memory' });
    workers[0].emit({ type: 'memory', numTensors: 3, numBytes: 100, busy: false, workers: 1 });
    expect(events.filter((e) => e.type === 'memory')).toEqual([]);
    workers[1].emit({ type: 'memory', numTensors: 4, numBytes: 50, busy: true, workers: 1 });
    expect(events.filter((e) => e.type === 'memory')).toEqual([{ type: 'memory', numTensors: 7, numBytes: 150, busy: true, workers: 2 }]);
  });

  it('passes the backend the user chose to every worker, and keeps it on recovery', () => {
    const { client, workers } = pool(2);
    client.load(URL_A, 'webgl');
    workers[0].emit(backend('wasm')); // webgl could not start: the pool grows on the CPU
    expect(workers.map((w) => w.posted[0])).toEqual([
      { type: 'load', dataUrl: URL_A, backend: 'webgl' },
      { type: 'load', dataUrl: URL_A, backend: 'webgl' },
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
