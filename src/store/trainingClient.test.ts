import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../experiment/config';
import type { WorkerCommand, WorkerEvent } from '../train/protocol';
import { TrainingClient } from './trainingClient';

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

function setup() {
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
  );
  return { client, workers, events, crashes, latest: () => workers.at(-1)! };
}

describe('TrainingClient', () => {
  it('creates no worker until load()', () => {
    const { workers } = setup();
    expect(workers).toHaveLength(0);
  });

  it('load(url) creates a worker and posts a load command', () => {
    const { client, workers } = setup();
    client.load(URL_A);
    expect(workers).toHaveLength(1);
    expect(workers[0].posted).toEqual([{ type: 'load', dataUrl: URL_A }]);
    expect(workers[0].terminated).toBe(false);
  });

  it('train and stop post the matching commands to the current worker', () => {
    const { client, latest } = setup();
    client.load(URL_A);
    const config = defaultExperiment();
    client.train(3, config);
    client.stop(3);
    expect(latest().posted).toEqual([
      { type: 'load', dataUrl: URL_A },
      { type: 'train', runId: 3, config },
      { type: 'stop', runId: 3 },
    ]);
  });

  it('throws when asked to train or stop before a worker exists', () => {
    const { client } = setup();
    expect(() => client.train(1, defaultExperiment())).toThrow(/not running/);
    expect(() => client.stop(1)).toThrow(/not running/);
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
    expect(workers[1].posted).toEqual([{ type: 'load', dataUrl: 'http://localhost/other/' }]);
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
      expect(workers[1].posted).toEqual([{ type: 'load', dataUrl: URL_A }]);
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
      expect(workers[2].posted).toEqual([{ type: 'load', dataUrl: URL_A }]);
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
    expect(() => client.stop(1)).toThrow(/not running/);
  });

  it('dispose without a worker is harmless', () => {
    const { client } = setup();
    expect(() => client.dispose()).not.toThrow();
  });
});
