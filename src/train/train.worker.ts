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
import { experimentTrainings, InvalidExperimentError, trainingContestants, type Training } from '../experiment/config';
import { contestantKey, contestantName } from '../experiment/contestants';
import type { NetworkSettings } from '../experiment/network';
import { CpuNetwork, evaluateSplit } from './evaluation';
import { LANDSCAPE_EXAMPLES, LINE_ALPHAS, SLICE_COORDINATES } from '../experiment/landscape';
import { planeLosses } from './landscape';
import { initialWeights } from './network';
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
  | {
      runId: number;
      network: NetworkSettings;
      /** The run's seed and training examples: the landscape's θ0 and subset. */
      seed: number;
      trainExamples: number;
      names: Map<string, string>;
      networks: Map<string, CpuNetwork>;
      diverged: Set<string>;
    }
  | undefined;
/** Landscapes being computed, by request id; a Cancel sets `cancelled`. */
const landscapes = new Map<number, { cancelled: boolean }>();
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
    seed: command.config.seed,
    trainExamples: command.config.trainExamples,
    // Only the first seed's weights are kept: evaluation and drawn digits use them.
    names: new Map(trainingContestants(command.config).filter((c) => !command.trainings || command.trainings.some((t) => t.contestant === contestantKey(c) && t.seedOffset === 0)).map((c) => [contestantKey(c), contestantName(c)])),
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
          if (kept?.runId === run.id && kept.names.has(contestant)) kept.networks.set(contestant, new CpuNetwork(kept.network, weights));
        },
        epochEnd: (contestant, metrics) => post({ type: 'epoch', runId: run.id, contestant, metrics }),
        progress: (progress) => post({ type: 'progress', runId: run.id, progress }),
      },
      { stopRequested: () => run.stop, yieldToEventLoop, deviceLost, pacing: run.pacing },
      { engine: kernel?.engine, trainings: resolveTrainings(command) },
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

/** The command's share as trainings of its config's contestants (absent: each contestant once per seed). */
function resolveTrainings({ config, trainings }: Extract<WorkerCommand, { type: 'train' }>): Training[] {
  if (!trainings) return experimentTrainings(config);
  return trainings.map(({ contestant: key, seedOffset }) => {
    const contestant = trainingContestants(config).find((c) => contestantKey(c) === key);
    if (!contestant || !Number.isInteger(seedOffset) || seedOffset < 0 || seedOffset >= config.seeds) throw new InvalidExperimentError([`No training "${key}" with seed offset ${seedOffset} in this experiment.`]);
    return { contestant, seedOffset };
  });
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

/** A copy of a contestant's final weights, for the worker that computes a slice through it. */
function landscapeWeights({ runId, requestId, contestant }: Extract<WorkerCommand, { type: 'landscapeWeights' }>) {
  const found = keptNetwork(runId, contestant);
  if ('problem' in found) {
    post({ type: 'landscapeFailed', runId, requestId, message: found.problem });
    return;
  }
  const weights = found.network.weights.map((w) => w.slice());
  post({ type: 'landscapeWeights', runId, requestId, contestant, weights }, weights.map((w) => w.buffer));
}

/**
 * The lines of this worker's contestants, then its rows of the slice if asked, on the run's first
 * training examples. θ0 is drawn again from the seed; it, the slice's borrowed weights
 * and the per-chunk buffers are garbage once this returns. A Cancel, or a new run
 * (which replaces `kept`), stops it at the next point.
 */
async function landscape({ runId, requestId, contestants, slice }: Extract<WorkerCommand, { type: 'landscape' }>) {
  const state = { cancelled: false };
  landscapes.set(requestId, state);
  const run = kept;
  const fail = (message: string) => post({ type: 'landscapeFailed', runId, requestId, message });
  try {
    const data = await dataReady?.catch(() => undefined);
    if (!data) return fail('The dataset is not loaded.');
    const weightsOf = (contestant: string) => {
      const found = keptNetwork(runId, contestant);
      if ('problem' in found) throw new Error(found.problem);
      return found.network.weights;
    };
    const lineEnds = contestants.map(weightsOf);
    const sliceWeights = (contestant: string) => slice?.lent?.find((l) => l.contestant === contestant)?.weights ?? weightsOf(contestant);
    const sliceEnds = slice ? [sliceWeights(slice.a), sliceWeights(slice.b)] : [];
    if (!run) return fail('The weights of this run are gone.');
    const started = performance.now();
    const origin = initialWeights(run.seed, run.network);
    const examples = Math.min(LANDSCAPE_EXAMPLES, run.trainExamples, data.train.count);
    const lineUnits = LINE_ALPHAS.length * lineEnds.length * examples;
    const grid = (slice?.rows ?? []).flatMap((row) => SLICE_COORDINATES.map((a) => [a, SLICE_COORDINATES[row]]));
    const total = lineUnits + grid.length * examples;
    // Progress five times a second is smooth enough; the page re-renders on each.
    let reported = 0;
    const control = (offset: number) => ({
      stopRequested: () => state.cancelled || kept !== run,
      yieldToEventLoop,
      progress: (done: number) => {
        if (performance.now() - reported < 200) return;
        reported = performance.now();
        post({ type: 'landscapeProgress', runId, requestId, done: offset + done, total });
      },
    });
    const points = lineEnds.flatMap((_, j) => LINE_ALPHAS.map((alpha) => lineEnds.map((__, i) => (i === j ? alpha : 0))));
    const lineLosses = lineEnds.length ? await planeLosses(run.network, origin, lineEnds, points, data.train, examples, control(0)) : new Float64Array();
    if (!lineLosses) return;
    const sliceLosses = slice && grid.length ? await planeLosses(run.network, origin, sliceEnds, grid, data.train, examples, control(lineUnits)) : undefined;
    if (slice && grid.length && !sliceLosses) return;
    const lines = contestants.map((contestant, j) => ({ contestant, losses: Array.from(lineLosses.subarray(j * LINE_ALPHAS.length, (j + 1) * LINE_ALPHAS.length)) }));
    post({
      type: 'landscape',
      runId,
      requestId,
      lines,
      slice: slice && sliceLosses ? { a: slice.a, b: slice.b, rows: slice.rows, losses: Array.from(sliceLosses) } : undefined,
      examples,
      seconds: (performance.now() - started) / 1000,
    });
  } catch (error) {
    fail(`The landscape could not be computed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    landscapes.delete(requestId);
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
    case 'landscape':
      void landscape(command);
      break;
    case 'cancelLandscape': {
      const state = landscapes.get(command.requestId);
      if (state) state.cancelled = true;
      break;
    }
    case 'landscapeWeights':
      landscapeWeights(command);
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
