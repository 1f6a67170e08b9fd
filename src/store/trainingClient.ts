/**
 * Owns the training workers: creates them, speaks the protocol, spreads a run's
 * contestants over them, merges their events into one stream, and replaces them all
 * when one dies. Nothing else in the UI touches postMessage.
 *
 * The first worker ("primary") chooses the backend and loads the data while the page
 * shows its progress. On a CPU backend, helper workers are then started so that every
 * core trains (tfjs's wasm backend uses one thread per worker); on a real GPU one
 * worker serves best. Helpers never download: once the primary has the data, the client
 * asks it for each helper's dataset and relays it (shared memory, or a transferred copy;
 * see datasetSharing.ts). A run's contestants are dealt round-robin to the workers whose
 * data is ready. Fairness needs no coordination: each worker derives the initial
 * weights and the batch order from the run's seed, identically.
 *
 * The final weights stay in the worker that trained them (the latest run's only), so
 * the client remembers who trained whom: 'evaluate' goes to that contestant's worker,
 * 'predict' to every worker of the run, whose replies are merged in lineup order.
 */
import { transferList } from '../data/datasetSharing';
import { experimentTrainings, trainingContestants, trainingId, type ExperimentConfig, type Training } from '../experiment/config';
import { contestantKey, MAX_CONTESTANTS } from '../experiment/contestants';
import { LINE_ALPHAS, SLICE_COORDINATES } from '../experiment/landscape';
import { OPTIMIZERS } from '../experiment/optimizers';
import type { BackendInfo, BackendPreference, DigitPrediction, LandscapeResult, RunPacingSettings, WorkerCommand, WorkerEvent } from '../train/protocol';
import type { TrainingOutcome, TrainingProgress } from '../train/trainer';

export interface TrainingClientHandlers {
  onEvent(event: WorkerEvent): void;
  /**
   * A worker died (uncaught error or unreadable message). `restarted`: fresh workers are
   * already loading; false when workers die before saying anything, time after time (the
   * script cannot start here), and the client has given up until `load` is called again.
   */
  onCrash(message: string, restarted: boolean): void;
}

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => new Worker(new URL('../train/train.worker.ts', import.meta.url), { type: 'module' });

/** One worker per core, up to the most contestants a run can have; 1 where the core count is unknown. */
export function defaultPoolSize(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return Math.max(1, Math.min(cores ?? 1, MAX_CONTESTANTS));
}

interface PooledWorker {
  worker: Worker;
  /** Names a helper in the primary's 'dataForHelper' reply. */
  id: number;
  dataReady: boolean;
  /** A helper whose dataset has been asked of the primary (once per helper). */
  dataRequested: boolean;
  /** Whether it has sent any message, i.e. its script started. */
  started?: boolean;
}

interface ActiveRun {
  id: number;
  members: PooledWorker[];
  finished: Map<PooledWorker, TrainingOutcome>;
  progress: Map<PooledWorker, TrainingProgress>;
  failed: boolean;
}

/** Where the latest run's final weights live: each training's worker (by trainingId), and the lineup's order. */
interface TrainedRun {
  id: number;
  order: string[];
  owners: Map<string, PooledWorker>;
}

interface PendingPrediction {
  runId: number;
  waiting: Set<PooledWorker>;
  results: DigitPrediction[];
}

/** A landscape spread over the workers of its run: each computes the lines of its own contestants and some rows of the slice. */
interface PendingLandscape {
  runId: number;
  /** Every worker asked, for a Cancel. */
  holders: Set<PooledWorker>;
  /** Those whose result has not come yet. */
  waiting: Set<PooledWorker>;
  progress: Map<PooledWorker, { done: number; total: number }>;
  result: LandscapeResult;
  /** The slice's parts as they come. */
  sliceParts: { rows: number[]; losses: number[] }[];
  /** While the weights of the slice's two contestants are fetched from their workers: from whom, what came, what then. */
  lending?: { from: Map<string, PooledWorker>; got: Map<string, Float32Array[]>; send(got: Map<string, Float32Array[]>): void };
}

/**
 * Deals the slice's rows to the workers so that each computes about as many points in
 * all: a row goes to the least loaded (a line counts `linePoints`, a row `rowPoints`).
 */
export function dealSliceRows<T>(workers: readonly T[], linesOf: (worker: T) => number, rowCount: number, rowPoints: number, linePoints: number): Map<T, number[]> {
  const load = new Map(workers.map((w) => [w, linesOf(w) * linePoints]));
  const rows = new Map<T, number[]>();
  for (let row = 0; row < rowCount; row++) {
    const least = workers.reduce((best, w) => (load.get(w)! < load.get(best)! ? w : best));
    load.set(least, load.get(least)! + rowPoints);
    rows.set(least, [...(rows.get(least) ?? []), row]);
  }
  return rows;
}

/** Why an evaluation or prediction of a run cannot be answered (the store shows these as they are). */
export const WEIGHTS_REPLACED = 'A newer run has started, so the weights of this one are gone.';
export const WEIGHTS_LOST_IN_RESTART = 'The training workers were restarted, so the weights of this run are gone. Train it again to evaluate it.';

/**
 * Deals the trainings (each contestant once per seed) to `count` workers: each, costliest
 * first, to the least loaded worker (the first of equals), each worker's share then in the
 * run's order. With equal costs that is round-robin in the run's order.
 */
export function assignContestants<T>(contestants: readonly T[], count: number, cost: (contestant: T) => number = () => 1): T[][] {
  const groups: number[][] = Array.from({ length: Math.min(count, contestants.length) }, () => []);
  const load = groups.map(() => 0);
  const order = contestants.map((_, i) => i).sort((a, b) => cost(contestants[b]) - cost(contestants[a]) || a - b);
  for (const i of order) {
    const least = load.indexOf(Math.min(...load));
    groups[least].push(i);
    load[least] += cost(contestants[i]);
  }
  return groups.map((group) => group.sort((a, b) => a - b).map((i) => contestants[i]));
}

/**
 * A training's relative cost for dealing: a matrix step (Muon's Newton–Schulz) measured
 * 6.6-9x an elementwise step on the kernel with the article's network (`npm run bench`,
 * `npm run kernel-profile`); every elementwise optimizer costs about the same.
 */
export const MATRIX_STEP_COST = 8;
const trainingCost = ({ contestant }: Training) => (OPTIMIZERS[contestant.optimizer].matrix ? MATRIX_STEP_COST : 1);

/** Workers that die before their first message this many times in a row cannot start here. */
export const MAX_FAILED_STARTS = 3;

export class TrainingClient {
  private pool: PooledWorker[] = [];
  private failedStarts = 0;
  private dataUrl: string | undefined;
  private backendPreference: BackendPreference = 'auto';
  private poolSized = false;
  private nextWorkerId = 0;
  private run: ActiveRun | undefined;
  private memoryReplies: Map<PooledWorker, Extract<WorkerEvent, { type: 'memory' }>> | undefined;
  private trained: TrainedRun | undefined;
  /** By `${runId}/${contestant}`. */
  private pendingEvaluations = new Map<string, { runId: number; contestant: string; worker: PooledWorker }>();
  /** By request id. */
  private pendingPredictions = new Map<number, PendingPrediction>();
  /** By request id. */
  private pendingLandscapes = new Map<number, PendingLandscape>();
  private pendingSweep: { requestId: number; worker: PooledWorker } | undefined;

  constructor(
    private readonly handlers: TrainingClientHandlers,
    private readonly createWorker: WorkerFactory = defaultFactory,
    private readonly poolSize: number = defaultPoolSize(),
  ) {}

  /** Workers whose data is loaded and verified, i.e. able to take a share of a run. */
  get readyWorkers(): number {
    return this.pool.filter((p) => p.dataReady).length;
  }

  /** Starts (or restarts) the primary worker and has it load and verify the dataset. */
  load(dataUrl: string, backend: BackendPreference = this.backendPreference) {
    this.failedStarts = 0;
    this.restart(dataUrl, backend);
  }

  private restart(dataUrl: string, backend: BackendPreference = this.backendPreference) {
    this.dataUrl = dataUrl;
    this.backendPreference = backend;
    this.dispose();
    this.spawn({ type: 'load', dataUrl, backend });
  }

  train(runId: number, config: ExperimentConfig, pacing?: RunPacingSettings) {
    const ready = this.pool.filter((p) => p.dataReady);
    if (!ready.length) throw new Error('The training workers are not ready.');
    const groups = assignContestants(experimentTrainings(config), ready.length, trainingCost);
    const members = ready.slice(0, groups.length);
    this.run = { id: runId, members, finished: new Map(), progress: new Map(), failed: false };
    // Each worker drops its previous run's weights when it gets this one.
    this.failPending(WEIGHTS_REPLACED);
    this.trained = {
      id: runId,
      order: trainingContestants(config).map(contestantKey),
      owners: new Map(groups.flatMap((group, i) => group.map((t) => [trainingId(contestantKey(t.contestant), t.seedOffset), members[i]] as const))),
    };
    // Each worker gets the whole experiment with only its share of the contestants, and which of their seeds it trains.
    members.forEach((member, i) => {
      const share = groups[i];
      const contestants = trainingContestants(config).filter((c) => share.some((t) => t.contestant === c));
      const trainings = share.map((t) => ({ contestant: contestantKey(t.contestant), seedOffset: t.seedOffset }));
      member.worker.postMessage({ type: 'train', runId, config: { ...config, contestants }, trainings, pacing } satisfies WorkerCommand);
    });
  }

  /** Pause, Resume, Step or Speed: every worker of the run paces its own contestants. */
  pace(runId: number, action: 'pause' | 'resume' | 'step' | 'speed', batchesPerSecond?: number | null) {
    if (this.run?.id !== runId) return;
    for (const member of this.run.members) member.worker.postMessage({ type: 'pace', runId, action, batchesPerSecond } satisfies WorkerCommand);
  }

  stop(runId: number) {
    if (this.run?.id !== runId) return;
    for (const member of this.run.members) member.worker.postMessage({ type: 'stop', runId } satisfies WorkerCommand);
  }

  /**
   * Asks the worker that trained `contestant` in run `runId` to evaluate it on the test
   * set; an 'evaluation' or 'evaluationFailed' event follows (at once when the weights are gone).
   */
  evaluate(runId: number, contestant: string) {
    const trained = this.trained?.id === runId ? this.trained : undefined;
    const owner = trained?.owners.get(contestant);
    if (!owner || !this.pool.includes(owner)) {
      const message = trained && !owner ? `"${contestant}" did not train in this run.` : this.trained ? WEIGHTS_REPLACED : WEIGHTS_LOST_IN_RESTART;
      this.handlers.onEvent({ type: 'evaluationFailed', runId, contestant, message });
      return;
    }
    this.pendingEvaluations.set(`${runId}/${contestant}`, { runId, contestant, worker: owner });
    owner.worker.postMessage({ type: 'evaluate', runId, contestant } satisfies WorkerCommand);
  }

  /**
   * Every contestant of run `runId` with final weights, on one drawn digit (784 values in
   * [0, 1]): one merged 'prediction' (lineup order) or 'predictionFailed' follows.
   */
  predict(runId: number, requestId: number, pixels: Float32Array) {
    const trained = this.trained;
    // The first seed's weights answer (the evaluation panel's choice with several seeds).
    const holders = trained?.id === runId ? new Set(trained.order.map((key) => trained.owners.get(key)!)) : undefined;
    if (!holders || [...holders].some((h) => !this.pool.includes(h))) {
      this.handlers.onEvent({ type: 'predictionFailed', runId, requestId, message: trained ? WEIGHTS_REPLACED : WEIGHTS_LOST_IN_RESTART });
      return;
    }
    this.pendingPredictions.set(requestId, { runId, waiting: new Set(holders), results: [] });
    for (const holder of holders) holder.worker.postMessage({ type: 'predict', runId, requestId, pixels } satisfies WorkerCommand);
  }

  /**
   * The landscape of run `runId`: the line of each of `contestants`, computed by the
   * worker holding it, and with `slice` the slice through `a` and `b`, its rows dealt
   * to all the run's workers so that each has about as many points to compute
   * (`dealSliceRows`). Workers that hold neither `a` nor `b` get copies of their weights
   * (0.4 MB each on the article network), fetched from their workers first.
   * 'landscapeProgress' events (summed over the workers), then one merged 'landscape'
   * (lines in lineup order, the slice's rows in order) or 'landscapeFailed'.
   */
  landscape(runId: number, requestId: number, contestants: readonly string[], slice?: { a: string; b: string }) {
    const trained = this.trained;
    const wanted = [...contestants, ...(slice ? [slice.a, slice.b] : [])];
    const owners = trained?.id === runId ? wanted.map((c) => trained.owners.get(c)) : undefined;
    if (!trained || !owners || owners.some((o) => !o || !this.pool.includes(o))) {
      const missing = owners && wanted.find((_, i) => !owners[i]);
      const message = missing !== undefined ? `"${missing}" did not train in this run.` : trained ? WEIGHTS_REPLACED : WEIGHTS_LOST_IN_RESTART;
      this.handlers.onEvent({ type: 'landscapeFailed', runId, requestId, message });
      return;
    }
    const ownerOf = (contestant: string) => trained.owners.get(contestant)!;
    const lines = new Map<PooledWorker, string[]>();
    for (const contestant of contestants) lines.set(ownerOf(contestant), [...(lines.get(ownerOf(contestant)) ?? []), contestant]);
    const members = [...new Set(trained.owners.values())];
    const rows = slice
      ? dealSliceRows(members, (w) => lines.get(w)?.length ?? 0, SLICE_COORDINATES.length, SLICE_COORDINATES.length, LINE_ALPHAS.length)
      : new Map<PooledWorker, number[]>();
    const holders = new Set([...members].filter((w) => lines.has(w) || rows.has(w)));
    const pending: PendingLandscape = { runId, holders, waiting: new Set(holders), progress: new Map(), result: { lines: [], examples: 0, seconds: 0 }, sliceParts: [] };
    this.pendingLandscapes.set(requestId, pending);
    // Which of the slice's contestants each worker computing rows needs lent.
    const lentTo = (holder: PooledWorker) => (slice && rows.has(holder) ? [slice.a, slice.b].filter((c, i, all) => ownerOf(c) !== holder && all.indexOf(c) === i) : []);
    const send = (got: Map<string, Float32Array[]>) => {
      for (const holder of holders) {
        const lent = lentTo(holder).map((contestant) => ({ contestant, weights: got.get(contestant)! }));
        const part = slice && rows.has(holder) ? { a: slice.a, b: slice.b, rows: rows.get(holder)!, lent: lent.length ? lent : undefined } : undefined;
        holder.worker.postMessage({ type: 'landscape', runId, requestId, contestants: lines.get(holder) ?? [], slice: part } satisfies WorkerCommand);
      }
    };
    const borrowed = new Set([...holders].flatMap(lentTo));
    if (!borrowed.size) {
      send(new Map());
      return;
    }
    pending.lending = { from: new Map([...borrowed].map((c) => [c, ownerOf(c)])), got: new Map(), send };
    for (const contestant of borrowed) ownerOf(contestant).worker.postMessage({ type: 'landscapeWeights', runId, requestId, contestant } satisfies WorkerCommand);
  }

  /** Stops a landscape in every worker computing it; nothing more is reported for it. */
  cancelLandscape(requestId: number) {
    const pending = this.pendingLandscapes.get(requestId);
    if (!pending) return;
    this.pendingLandscapes.delete(requestId);
    for (const holder of pending.holders) holder.worker.postMessage({ type: 'cancelLandscape', requestId } satisfies WorkerCommand);
  }

  /**
   * The learning-rate sweep for one of `config`'s contestants, on the primary worker
   * (it has the data first); 'rateFinder' events follow, or 'rateFinderFailed'.
   */
  findRate(requestId: number, config: ExperimentConfig, contestant: string) {
    const primary = this.pool[0];
    if (!primary?.dataReady) {
      this.handlers.onEvent({ type: 'rateFinderFailed', requestId, message: 'The dataset is not loaded yet.' });
      return;
    }
    this.pendingSweep = { requestId, worker: primary };
    primary.worker.postMessage({ type: 'findRate', requestId, config, contestant } satisfies WorkerCommand);
  }

  cancelFindRate(requestId: number) {
    if (this.pendingSweep?.requestId === requestId) this.pendingSweep.worker.worker.postMessage({ type: 'cancelFindRate', requestId } satisfies WorkerCommand);
  }

  /** Every request still waiting fails with `message` (its weights are gone). */
  private failPending(message: string) {
    const evaluations = [...this.pendingEvaluations.values()];
    const predictions = [...this.pendingPredictions.entries()];
    const landscapes = [...this.pendingLandscapes.entries()];
    this.pendingEvaluations.clear();
    this.pendingPredictions.clear();
    this.pendingLandscapes.clear();
    for (const { runId, contestant } of evaluations) this.handlers.onEvent({ type: 'evaluationFailed', runId, contestant, message });
    for (const [requestId, { runId }] of predictions) this.handlers.onEvent({ type: 'predictionFailed', runId, requestId, message });
    for (const [requestId, { runId, holders }] of landscapes) {
      // A new run stops a landscape in the workers anyway; this frees them sooner.
      for (const holder of holders) if (this.pool.includes(holder)) holder.worker.postMessage({ type: 'cancelLandscape', requestId } satisfies WorkerCommand);
      this.handlers.onEvent({ type: 'landscapeFailed', runId, requestId, message });
    }
  }

  /** Asks every worker for its live tensors; one summed 'memory' event follows. */
  measureMemory() {
    if (!this.pool.length) return;
    this.memoryReplies = new Map();
    for (const p of this.pool) p.worker.postMessage({ type: 'memory' } satisfies WorkerCommand);
  }

  /** Diagnostics: makes every worker lose its WebGL context, as a GPU reset would. */
  loseWebglContext() {
    for (const p of this.pool) p.worker.postMessage({ type: 'loseWebglContext' } satisfies WorkerCommand);
  }

  dispose() {
    for (const p of this.pool) p.worker.terminate();
    this.pool = [];
    this.poolSized = false;
    this.run = undefined;
    this.trained = undefined;
    this.failPending(WEIGHTS_LOST_IN_RESTART);
    // A sweep in progress died with its worker (a sweep is cancelled by the worker itself when a run starts).
    const sweep = this.pendingSweep;
    this.pendingSweep = undefined;
    if (sweep) this.handlers.onEvent({ type: 'rateFinderFailed', requestId: sweep.requestId, message: 'The training workers were restarted, so the learning-rate sweep stopped. Press Find learning rate again.' });
  }

  private spawn(start: Extract<WorkerCommand, { type: 'load' | 'startHelper' }>) {
    const pooled: PooledWorker = { worker: this.createWorker(), id: this.nextWorkerId++, dataReady: false, dataRequested: false };
    const { worker } = pooled;
    worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
      pooled.started = true;
      if (this.pool.includes(pooled)) this.receive(pooled, message.data);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.recover(pooled, `The training worker crashed (${event.message || 'it stopped unexpectedly'}).`);
    };
    worker.onmessageerror = () => this.recover(pooled, 'A message from the training worker could not be read.');
    this.pool.push(pooled);
    worker.postMessage(start satisfies WorkerCommand);
  }

  private isPrimary(pooled: PooledWorker) {
    return this.pool[0] === pooled;
  }

  /**
   * More workers help only on the CPU: one GPU context serves the whole page best.
   * Helpers take the primary's choice as it is, rather than each measuring again.
   */
  private growPool(backend: BackendInfo) {
    if (backend.name === 'webgl') return;
    while (this.pool.length < this.poolSize) this.spawn({ type: 'startHelper', backend: backend.name });
    this.shareDataWithHelpers();
  }

  /** Once the primary holds the dataset, asks it for the dataset of every helper still without one. */
  private shareDataWithHelpers() {
    const [primary, ...helpers] = this.pool;
    if (!primary?.dataReady) return;
    for (const helper of helpers) {
      if (helper.dataRequested) continue;
      helper.dataRequested = true;
      primary.worker.postMessage({ type: 'shareData', helper: helper.id } satisfies WorkerCommand);
    }
  }

  private receive(pooled: PooledWorker, event: WorkerEvent) {
    const primary = this.isPrimary(pooled);
    switch (event.type) {
      case 'backend':
        if (!primary) return;
        this.handlers.onEvent(event);
        // Only the first choice sizes the pool; a fallback later (lost GPU) keeps it.
        if (this.poolSized) return;
        this.poolSized = true;
        this.growPool(event.backend);
        return;
      case 'dataProgress':
        if (primary) this.handlers.onEvent(event);
        return;
      case 'dataReady':
        pooled.dataReady = true;
        if (!primary) return;
        this.handlers.onEvent(event);
        this.shareDataWithHelpers();
        return;
      case 'dataError':
        // Only the primary downloads, so a failure is reported once, naming the file.
        if (primary) this.handlers.onEvent(event);
        return;
      case 'dataForHelper': {
        // A helper replaced meanwhile needs nothing; its unsent copy is simply collected.
        const helper = this.pool.find((p) => p.id === event.helper);
        if (!primary || !helper) return;
        helper.worker.postMessage({ type: 'receiveData', data: event.data, delivery: event.delivery } satisfies WorkerCommand, transferList(event.data));
        return;
      }
      case 'runStatus':
      case 'epoch':
        if (this.run?.id === event.runId) this.handlers.onEvent(event);
        return;
      case 'progress':
        this.mergeProgress(pooled, event);
        return;
      case 'runFinished':
        this.memberFinished(pooled, event.runId, event.outcome);
        return;
      case 'memory': {
        const replies = this.memoryReplies;
        if (!replies) return;
        replies.set(pooled, event);
        if (replies.size < this.pool.length) return;
        this.memoryReplies = undefined;
        const all = [...replies.values()];
        this.handlers.onEvent({
          type: 'memory',
          numTensors: all.reduce((sum, m) => sum + m.numTensors, 0),
          numBytes: all.reduce((sum, m) => sum + m.numBytes, 0),
          busy: all.some((m) => m.busy),
          workers: all.length,
          dataDelivery: all.flatMap((m) => m.dataDelivery),
          crossOriginIsolated: all.every((m) => m.crossOriginIsolated),
        });
        return;
      }
      case 'evaluation':
      case 'evaluationFailed': {
        const key = `${event.runId}/${event.contestant}`;
        if (this.pendingEvaluations.get(key)?.worker !== pooled) return;
        this.pendingEvaluations.delete(key);
        this.handlers.onEvent(event);
        return;
      }
      case 'prediction':
      case 'predictionFailed':
        this.mergePrediction(pooled, event);
        return;
      case 'landscapeProgress':
      case 'landscapeWeights':
      case 'landscape':
      case 'landscapeFailed':
        this.mergeLandscape(pooled, event);
        return;
      case 'rateFinder':
      case 'rateFinderFailed':
        if (this.pendingSweep?.requestId !== event.requestId || this.pendingSweep.worker !== pooled) return;
        if (event.type === 'rateFinderFailed' || event.end) this.pendingSweep = undefined;
        this.handlers.onEvent(event);
        return;
      case 'runFailed': {
        const run = this.run;
        if (run?.id !== event.runId || run.failed) return;
        run.failed = true;
        this.stop(run.id);
        this.handlers.onEvent(event);
        return;
      }
    }
  }

  /**
   * One progress line for the page: the slowest worker's position in the epoch, the
   * summed throughput; live points stay with the worker (and position) they came from.
   */
  private mergeProgress(pooled: PooledWorker, event: Extract<WorkerEvent, { type: 'progress' }>) {
    const run = this.run;
    if (run?.id !== event.runId) return;
    run.progress.set(pooled, event.progress);
    const all = [...run.progress.values()];
    const slowest = all.reduce((a, b) => (b.position < a.position ? b : a));
    this.handlers.onEvent({
      ...event,
      progress: {
        ...event.progress,
        epoch: slowest.epoch,
        batch: slowest.batch,
        batchesPerEpoch: slowest.batchesPerEpoch,
        samplesPerSecond: all.reduce((sum, p) => sum + p.samplesPerSecond, 0),
        activeRuns: all.reduce((sum, p) => sum + p.activeRuns, 0),
      },
    });
  }

  /** One reply per worker of the run; the merged result once all have answered, or the first failure. */
  private mergePrediction(pooled: PooledWorker, event: Extract<WorkerEvent, { type: 'prediction' | 'predictionFailed' }>) {
    const pending = this.pendingPredictions.get(event.requestId);
    if (!pending || pending.runId !== event.runId || !pending.waiting.has(pooled)) return;
    if (event.type === 'predictionFailed') {
      this.pendingPredictions.delete(event.requestId);
      this.handlers.onEvent(event);
      return;
    }
    pending.waiting.delete(pooled);
    pending.results.push(...event.results);
    if (pending.waiting.size) return;
    this.pendingPredictions.delete(event.requestId);
    const order = this.trained?.order ?? [];
    const results = [...pending.results].sort((a, b) => order.indexOf(a.contestant) - order.indexOf(b.contestant));
    this.handlers.onEvent({ type: 'prediction', runId: event.runId, requestId: event.requestId, results });
  }

  /** The workers' parts of one landscape: summed progress, the slice's lent weights passed on, one merged result. */
  private mergeLandscape(pooled: PooledWorker, event: Extract<WorkerEvent, { type: 'landscapeProgress' | 'landscapeWeights' | 'landscape' | 'landscapeFailed' }>) {
    const pending = this.pendingLandscapes.get(event.requestId);
    if (!pending || pending.runId !== event.runId) return;
    const lender = [...(pending.lending?.from.values() ?? [])].includes(pooled);
    if (!pending.holders.has(pooled) && !lender) return;
    switch (event.type) {
      case 'landscapeWeights': {
        const lending = pending.lending;
        if (lending?.from.get(event.contestant) !== pooled || lending.got.has(event.contestant)) return;
        lending.got.set(event.contestant, event.weights);
        if (lending.got.size < lending.from.size) return;
        pending.lending = undefined;
        lending.send(lending.got);
        return;
      }
      case 'landscapeFailed':
        this.cancelLandscape(event.requestId);
        this.handlers.onEvent(event);
        return;
      case 'landscapeProgress': {
        if (!pending.waiting.has(pooled)) return;
        pending.progress.set(pooled, { done: event.done, total: event.total });
        const all = [...pending.progress.values()];
        this.handlers.onEvent({ ...event, done: all.reduce((sum, p) => sum + p.done, 0), total: all.reduce((sum, p) => sum + p.total, 0) });
        return;
      }
      case 'landscape': {
        if (!pending.waiting.delete(pooled)) return;
        const { result } = pending;
        result.lines.push(...event.lines);
        if (event.slice) {
          pending.sliceParts.push(event.slice);
          result.slice ??= { a: event.slice.a, b: event.slice.b, rows: [], losses: [] };
        }
        result.examples = event.examples;
        result.seconds = Math.max(result.seconds, event.seconds);
        if (pending.waiting.size) return;
        this.pendingLandscapes.delete(event.requestId);
        const order = this.trained?.order ?? [];
        result.lines.sort((a, b) => order.indexOf(a.contestant) - order.indexOf(b.contestant));
        if (result.slice) {
          // The rows back in order, whichever worker computed them.
          const n = SLICE_COORDINATES.length;
          const byRow = pending.sliceParts.flatMap((part) => part.rows.map((row, i) => ({ row, losses: part.losses.slice(i * n, (i + 1) * n) })));
          byRow.sort((x, y) => x.row - y.row);
          result.slice = { ...result.slice, rows: byRow.map((r) => r.row), losses: byRow.flatMap((r) => r.losses) };
        }
        this.handlers.onEvent({ type: 'landscape', runId: event.runId, requestId: event.requestId, ...result });
        return;
      }
    }
  }

  private memberFinished(pooled: PooledWorker, runId: number, outcome: TrainingOutcome) {
    const run = this.run;
    if (run?.id !== runId || run.failed || !run.members.includes(pooled)) return;
    run.finished.set(pooled, outcome);
    if (run.finished.size < run.members.length) return;
    const stopped = [...run.finished.values()].includes('stopped');
    this.run = undefined;
    this.handlers.onEvent({ type: 'runFinished', runId, outcome: stopped ? 'stopped' : 'done' });
  }

  /** A worker in an unknown state cannot be trusted: start afresh so Train works without a reload. */
  private recover(pooled: PooledWorker, message: string) {
    if (!this.pool.includes(pooled)) return;
    // A worker that never spoke did not start (e.g. a host that blocks its script);
    // restarting it forever would only spin.
    this.failedStarts = pooled.started ? 0 : this.failedStarts + 1;
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      this.dispose();
      this.handlers.onCrash(message, false);
      return;
    }
    this.restart(this.dataUrl!);
    this.handlers.onCrash(message, true);
  }
}
