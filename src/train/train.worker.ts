/// <reference lib="webworker" />
/**
 * The training worker: picks the backend, holds the data and runs the lockstep trainer.
 * The primary worker downloads and verifies the data and hands it to the helpers
 * (shared or copied, see datasetSharing.ts); a helper only receives it. The UI thread
 * never trains.
 */
import * as tf from '@tensorflow/tfjs';
import { datasetForHelper, transferList, type DataDelivery } from '../data/datasetSharing';
import { IMAGE_SIZE } from '../data/manifest';
import { DataLoadError, loadMnist, type MnistData } from '../data/shardLoader';
import { chooseBackend, fallBackFromWebgl, NO_SIMD, webglContext, type BackendPreference, type KernelCandidate } from './backend';
import { loadBrowserKernel } from './kernel/browser';
import { kernelEngine } from './kernelEngine';
import { trainingContestants } from '../experiment/config';
import { contestantKey, contestantName } from '../experiment/contestants';
import type { NetworkSettings } from '../experiment/network';
import { CpuNetwork, evaluateSplit } from './evaluation';
import type { BackendInfo, WorkerCommand, WorkerEvent } from './protocol';
import { RunPacing } from './pacing';
import { trainExperiment } from './trainer';
import { findLearningRate } from './lrFinder';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: WorkerEvent, transfer: Transferable[] = []) => scope.postMessage(event, transfer);

let backendReady: Promise<BackendInfo> | undefined;
let dataReady: Promise<MnistData> | undefined;
/** How this worker got its dataset, once it has it (for Diagnostics). */
let dataDelivery: DataDelivery | undefined;
/** A helper's pending dataset: set by startHelper, settled by receiveData. */
let awaitedDataset: { resolve: (data: MnistData) => void; requested: number } | undefined;
interface CurrentRun {
  id: number;
  stop: boolean;
  pacing: RunPacing;
}
let currentRun: CurrentRun | undefined;

/** Stop also wakes a paused or slowed run, which then ends. */
function stopRun(run: CurrentRun | undefined) {
  if (!run) return;
  run.stop = true;
  run.pacing.wakeUp();
}
/**
 * The latest run's final weights, per contestant this worker trained (none for one
 * that diverged), for 'evaluate' and 'predict'. A new 'train' replaces them at once.
 */
let kept:
  | { runId: number; network: NetworkSettings; names: Map<string, string>; networks: Map<string, CpuNetwork>; diverged: Set<string> }
  | undefined;
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
    stopRun(currentRun);
    // Where no run is in progress, move now; otherwise the run's end does it.
    if (!currentRun) void moveOffWebgl();
  });
}

/** The fused kernel where this browser runs it, or why not (no SIMD, or the .wasm failed to load). */
let kernelReady: Promise<{ kernel?: KernelCandidate; missing?: string }> | undefined;
function loadKernel(): Promise<{ kernel?: KernelCandidate; missing?: string }> {
  kernelReady ??= loadBrowserKernel().then(
    (loaded) =>
      loaded
        ? { kernel: { build: loaded.build === 'relaxed-simd' ? 'relaxed SIMD with FMA' : 'SIMD', engine: kernelEngine(loaded.kernel) } }
        : { missing: NO_SIMD },
    // The tfjs paths still work; the backend's reason says what happened to the kernel.
    (error: unknown) => ({ missing: `could not be loaded (${error instanceof Error ? error.message : String(error)})` }),
  );
  return kernelReady;
}

async function moveOffWebgl() {
  deviceLost = undefined;
  const { kernel, missing } = await loadKernel();
  const backend = await fallBackFromWebgl(kernel, missing);
  backendReady = Promise.resolve(backend);
  post({ type: 'backend', backend });
}

function startBackend(preference: BackendPreference) {
  backendReady ??= loadKernel().then(({ kernel, missing }) => chooseBackend(preference, kernel, missing)).then((backend) => {
    if (backend.name === 'webgl') watchWebglContext();
    post({ type: 'backend', backend });
    return backend;
  });
}

function reportDataReady(data: MnistData, delivery: DataDelivery, started: number) {
  dataDelivery = delivery;
  post({ type: 'dataReady', trainCount: data.train.count, testCount: data.test.count, seconds: (performance.now() - started) / 1000 });
}

/** The primary: downloads the dataset, into shared memory where the page is cross-origin isolated. */
function load(dataUrl: string, preference: BackendPreference = 'auto') {
  startBackend(preference);
  // A retry supersedes an earlier load: only the latest one may report.
  const generation = ++loadGeneration;
  const current = () => generation === loadGeneration;
  const started = performance.now();
  dataReady = loadMnist(dataUrl, {
    sharedMemory: scope.crossOriginIsolated,
    onProgress: (progress) => current() && post({ type: 'dataProgress', progress }),
  });
  dataReady.then(
    (data) => {
      if (current()) reportDataReady(data, 'downloaded', started);
    },
    (error: unknown) => {
      if (!current()) return;
      const file = error instanceof DataLoadError ? error.file : 'dataset';
      post({ type: 'dataError', file, message: error instanceof Error ? error.message : String(error) });
    },
  );
}

/** A helper: starts its backend now, while the primary downloads; a run waits for the dataset. */
function startHelper(preference: BackendPreference) {
  startBackend(preference);
  const requested = performance.now();
  dataReady = new Promise((resolve) => (awaitedDataset = { resolve, requested }));
}

function receiveData(command: Extract<WorkerCommand, { type: 'receiveData' }>) {
  if (!awaitedDataset) return; // only a helper that is still waiting takes a dataset
  awaitedDataset.resolve(command.data);
  reportDataReady(command.data, command.delivery, awaitedDataset.requested);
  awaitedDataset = undefined;
}

/** The primary hands its dataset to one helper, through the page. */
async function shareData(helper: number) {
  // A failed download was reported already; there is nothing to share.
  const data = await dataReady?.catch(() => undefined);
  if (!data) return;
  const share = datasetForHelper(data);
  post({ type: 'dataForHelper', helper, ...share }, transferList(share.data));
}

/** The learning-rate sweep in progress, if any: a new sweep or a run cancels it. */
let currentSweep: { requestId: number; cancelled: boolean } | undefined;

function findRate({ requestId, config, contestant }: Extract<WorkerCommand, { type: 'findRate' }>) {
  if (currentSweep) currentSweep.cancelled = true;
  const sweep = { requestId, cancelled: false };
  currentSweep = sweep;
  // After any run has let go of its engine: the two never train at once.
  previousRunSettled = previousRunSettled.then(async () => {
    try {
      if (currentRun) throw new Error('Training is running: find a rate when it has finished.');
      if (!dataReady || !backendReady) throw new Error('The dataset has not been requested yet.');
      const backend = await backendReady;
      const kernel = backend.name === 'kernel' ? (await loadKernel()).kernel : undefined;
      const data = await dataReady;
      const { end } = await findLearningRate(
        data,
        config,
        contestant,
        { cancelled: () => sweep.cancelled, yieldToEventLoop, report: (points) => post({ type: 'rateFinder', requestId, points: [...points] }) },
        kernel?.engine,
      );
      post({ type: 'rateFinder', requestId, points: [], end });
    } catch (error) {
      post({ type: 'rateFinderFailed', requestId, message: error instanceof Error ? error.message : String(error) });
    } finally {
      if (currentSweep === sweep) currentSweep = undefined;
    }
  });
}

function train(command: Extract<WorkerCommand, { type: 'train' }>) {
  if (currentSweep) currentSweep.cancelled = true;
  stopRun(currentRun);
  // The previous run's weights go now (collected), not when the new run ends.
  kept = {
    runId: command.runId,
    network: command.config.network,
    names: new Map(trainingContestants(command.config).map((c) => [contestantKey(c), contestantName(c)])),
    networks: new Map(),
    diverged: new Set(),
  };
  const run: CurrentRun = { id: command.runId, stop: false, pacing: new RunPacing(() => run.stop) };
  if (command.pacing?.paused) run.pacing.pause();
  run.pacing.setSpeed(command.pacing?.batchesPerSecond ?? null);
  currentRun = run;
  previousRunSettled = previousRunSettled.then(() => runExperiment(run, command));
}

async function runExperiment(run: CurrentRun, command: Extract<WorkerCommand, { type: 'train' }>) {
  try {
    if (run.stop) {
      post({ type: 'runFinished', runId: run.id, outcome: 'stopped' });
      return;
    }
    if (!dataReady || !backendReady) throw new Error('The dataset has not been requested yet.');
    const backend = await backendReady;
    const kernel = backend.name === 'kernel' ? (await loadKernel()).kernel : undefined;
    const data = await dataReady;
    const outcome = await trainExperiment(
      data,
      command.config,
      {
        runStatus: (contestant, status, divergence) => {
          if (status === 'diverged' && kept?.runId === run.id) kept.diverged.add(contestant);
          post({ type: 'runStatus', runId: run.id, contestant, status, divergence });
        },
        finalWeights: (contestant, weights) => {
          if (kept?.runId === run.id) kept.networks.set(contestant, new CpuNetwork(kept.network, weights));
        },
        epochEnd: (contestant, metrics) => post({ type: 'epoch', runId: run.id, contestant, metrics }),
        progress: (progress) => post({ type: 'progress', runId: run.id, progress }),
      },
      { stopRequested: () => run.stop, yieldToEventLoop, deviceLost, pacing: run.pacing },
      { engine: kernel?.engine },
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

/** Why there are no weights to use for `contestant` of run `runId`, or its network. */
function keptNetwork(runId: number, contestant: string): { network: CpuNetwork } | { problem: string } {
  if (kept?.runId !== runId) {
    return { problem: 'The weights of this run are gone: a newer run replaced them, or the workers were restarted. Train again to evaluate it.' };
  }
  const name = kept.names.get(contestant);
  const network = kept.networks.get(contestant);
  if (network) return { network };
  if (name === undefined) return { problem: `This worker did not train "${contestant}".` };
  if (kept.diverged.has(contestant)) return { problem: `${name} diverged, so it has no weights to evaluate.` };
  if (currentRun?.id === runId) return { problem: `${name} is still training.` };
  return { problem: `${name} has no final weights: its run ended with an error.` };
}

async function evaluate({ runId, contestant }: Extract<WorkerCommand, { type: 'evaluate' }>) {
  const found = keptNetwork(runId, contestant);
  const data = await dataReady?.catch(() => undefined);
  if ('problem' in found || !data) {
    post({ type: 'evaluationFailed', runId, contestant, message: 'problem' in found ? found.problem : 'The dataset is not loaded.' });
    return;
  }
  try {
    const started = performance.now();
    const result = evaluateSplit(found.network, data.test);
    post({ type: 'evaluation', runId, contestant, testCount: data.test.count, ...result, seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    post({ type: 'evaluationFailed', runId, contestant, message: `The evaluation failed: ${error instanceof Error ? error.message : String(error)}` });
  }
}

function predict({ runId, requestId, pixels }: Extract<WorkerCommand, { type: 'predict' }>) {
  if (kept?.runId !== runId) {
    post({ type: 'predictionFailed', runId, requestId, message: 'The weights of this run are gone: a newer run replaced them, or the workers were restarted.' });
    return;
  }
  if (!(pixels instanceof Float32Array) || pixels.length !== IMAGE_SIZE) {
    post({ type: 'predictionFailed', runId, requestId, message: `A drawing is ${IMAGE_SIZE} pixels.` });
    return;
  }
  // Clamped: the drawing is the user's, and NaN would poison every probability.
  const image = Float32Array.from(pixels, (v) => (v > 0 ? Math.min(v, 1) : 0));
  const order = [...kept.names.keys()];
  const results = order.flatMap((contestant) => {
    const network = kept!.networks.get(contestant);
    return network ? [{ contestant, probabilities: network.predict(image) }] : [];
  });
  post({ type: 'prediction', runId, requestId, results });
}

scope.onmessage = (message: MessageEvent<WorkerCommand>) => {
  const command = message.data;
  switch (command.type) {
    case 'load':
      load(command.dataUrl, command.backend);
      break;
    case 'startHelper':
      startHelper(command.backend);
      break;
    case 'shareData':
      void shareData(command.helper);
      break;
    case 'receiveData':
      receiveData(command);
      break;
    case 'train':
      train(command);
      break;
    case 'stop':
      if (currentRun?.id === command.runId) stopRun(currentRun);
      break;
    case 'pace':
      if (currentRun?.id === command.runId) {
        const { pacing } = currentRun;
        if (command.action === 'pause') pacing.pause();
        else if (command.action === 'resume') pacing.resume();
        else if (command.action === 'step') pacing.step();
        else pacing.setSpeed(command.batchesPerSecond ?? null);
      }
      break;
    case 'evaluate':
      void evaluate(command);
      break;
    case 'findRate':
      findRate(command);
      break;
    case 'cancelFindRate':
      if (currentSweep?.requestId === command.requestId) currentSweep.cancelled = true;
      break;
    case 'predict':
      predict(command);
      break;
    case 'loseWebglContext':
      webglContext()?.getExtension('WEBGL_lose_context')?.loseContext();
      break;
    case 'memory': {
      const { numTensors, numBytes } = tf.memory();
      post({
        type: 'memory',
        numTensors,
        numBytes,
        busy: currentRun !== undefined,
        workers: 1,
        dataDelivery: dataDelivery ? [dataDelivery] : [],
        crossOriginIsolated: scope.crossOriginIsolated,
      });
      break;
    }
  }
};
