/// <reference lib="webworker" />
/**
 * The training worker: loads and verifies the data, picks the backend and runs the
 * lockstep trainer. The UI thread never trains.
 */
import * as tf from '@tensorflow/tfjs';
import { DataLoadError, loadMnist, type MnistData } from '../data/shardLoader';
import { chooseBackend, fallBackFromWebgl, webglContext, type BackendPreference } from './backend';
import type { BackendInfo, WorkerCommand, WorkerEvent } from './protocol';
import { trainExperiment } from './trainer';

// Under cross-origin isolation tfjs-wasm would pick its multi-threaded build, whose
// pthread workers (blob: scripts) crash in this bundle. The worker pool is already how
// the cores are used, so each worker stays single-threaded, isolated or not.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: WorkerEvent) => scope.postMessage(event);

let backendReady: Promise<BackendInfo> | undefined;
let dataReady: Promise<MnistData> | undefined;
let currentRun: { id: number; stop: boolean } | undefined;
/** Settles when the previous run has released its tensors; a new run waits for it. */
let previousRunSettled: Promise<void> = Promise.resolve();

/** A macrotask boundary, so a queued Stop message is handled mid-training. */
const channel = new MessageChannel();
const pendingYields: (() => void)[] = [];
channel.port1.onmessage = () => pendingYields.shift()?.();
const yieldToEventLoop = () =>
  new Promise<void>((resolve) => {
    pendingYields.push(resolve);
    channel.port2.postMessage(null);
  });

let loadGeneration = 0;

/** Set when the GPU context is lost: the run in progress stops and the worker moves to the CPU. */
let contextLost = false;
let signalDeviceLost: (reason: Error) => void = () => {};
/** Rejects on context loss; the trainer races its read-backs against it. */
let deviceLost: Promise<never> | undefined;

function watchWebglContext() {
  const canvas = webglContext()?.canvas;
  deviceLost = new Promise<never>((_, reject) => (signalDeviceLost = reject));
  deviceLost.catch(() => {}); // observed by the trainer; never an unhandled rejection
  canvas?.addEventListener('webglcontextlost', () => {
    contextLost = true;
    signalDeviceLost(new Error('The WebGL context was lost.'));
    if (currentRun) currentRun.stop = true;
    // Where no run is in progress, move now; otherwise the run's end does it.
    if (!currentRun) void moveOffWebgl();
  });
}

async function moveOffWebgl() {
  deviceLost = undefined;
  const backend = await fallBackFromWebgl();
  backendReady = Promise.resolve(backend);
  post({ type: 'backend', backend });
}

function load(dataUrl: string, preference: BackendPreference = 'auto') {
  backendReady ??= chooseBackend(preference).then((backend) => {
    if (backend.name === 'webgl') watchWebglContext();
    post({ type: 'backend', backend });
    return backend;
  });
  // A retry supersedes an earlier load: only the latest one may report.
  const generation = ++loadGeneration;
  const current = () => generation === loadGeneration;
  const started = performance.now();
  dataReady = loadMnist(dataUrl, { onProgress: (progress) => current() && post({ type: 'dataProgress', progress }) });
  dataReady.then(
    (data) => {
      if (current()) post({ type: 'dataReady', trainCount: data.train.count, testCount: data.test.count, seconds: (performance.now() - started) / 1000 });
    },
    (error: unknown) => {
      if (!current()) return;
      const file = error instanceof DataLoadError ? error.file : 'dataset';
      post({ type: 'dataError', file, message: error instanceof Error ? error.message : String(error) });
    },
  );
}

function train(command: Extract<WorkerCommand, { type: 'train' }>) {
  if (currentRun) currentRun.stop = true;
  const run = { id: command.runId, stop: false };
  currentRun = run;
  previousRunSettled = previousRunSettled.then(() => runExperiment(run, command));
}

async function runExperiment(run: { id: number; stop: boolean }, command: Extract<WorkerCommand, { type: 'train' }>) {
  try {
    if (run.stop) {
      post({ type: 'runFinished', runId: run.id, outcome: 'stopped' });
      return;
    }
    if (!dataReady || !backendReady) throw new Error('The dataset has not been requested yet.');
    await backendReady;
    const data = await dataReady;
    const outcome = await trainExperiment(
      data,
      command.config,
      {
        runStatus: (optimizer, status, divergence) => post({ type: 'runStatus', runId: run.id, optimizer, status, divergence }),
        epochEnd: (optimizer, metrics) => post({ type: 'epoch', runId: run.id, optimizer, metrics }),
        progress: (progress) => post({ type: 'progress', runId: run.id, progress }),
      },
      { stopRequested: () => run.stop, yieldToEventLoop, deviceLost },
    );
    if (!contextLost) post({ type: 'runFinished', runId: run.id, outcome });
  } catch (error) {
    if (!contextLost) post({ type: 'runFailed', runId: run.id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    if (currentRun === run) currentRun = undefined;
    if (contextLost) {
      // What the GPU held is gone; what the page holds (finished epochs) is not.
      contextLost = false;
      post({
        type: 'runFailed',
        runId: run.id,
        message: 'The GPU context was lost (a driver reset or GPU crash). Training moved to the CPU; the finished epochs are kept. Press Train to run again.',
      });
      await moveOffWebgl();
    }
  }
}

scope.onmessage = (message: MessageEvent<WorkerCommand>) => {
  const command = message.data;
  switch (command.type) {
    case 'load':
      load(command.dataUrl, command.backend);
      break;
    case 'train':
      train(command);
      break;
    case 'stop':
      if (currentRun?.id === command.runId) currentRun.stop = true;
      break;
    case 'loseWebglContext':
      webglContext()?.getExtension('WEBGL_lose_context')?.loseContext();
      break;
    case 'memory': {
      const { numTensors, numBytes } = tf.memory();
      post({ type: 'memory', numTensors, numBytes, busy: currentRun !== undefined, workers: 1 });
      break;
    }
  }
};
