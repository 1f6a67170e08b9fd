/**
 * What the store holds about a run, and the views of it the panels share: the
 * lineup (each contestant that trains, its name, style and state, in the run's order).
 */
import { trainingContestants, trainingId, trainingSeed, type ExperimentConfig } from '../experiment/config';
import { contestantKey, contestantName, contestantStyle, type Contestant, type ContestantStyle } from '../experiment/contestants';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import { buildResults, type ExperimentResults } from '../experiment/resultsFile';
import { aggregateHistories, meanTrace, type EpochSpread } from '../experiment/seedStats';
import type { LoadProgress } from '../data/shardLoader';
import type { InsideSample } from '../experiment/optimizerInsides';
import type { BackendInfo } from '../train/protocol';
import type { TrainingOutcome, TrainingProgress } from '../train/trainer';

export interface TracePoint {
  /** Epochs done, as a fraction. */
  position: number;
  trainLoss: number;
  trainAccuracy: number;
  /** The contestant's own seconds of computing so far. */
  seconds: number;
}

export interface ContestantRunState {
  status: RunStatus;
  history: EpochMetrics[];
  divergence?: DivergenceInfo;
  /** Training loss and accuracy as they arrive during the run (live runs only). */
  trace?: TracePoint[];
  /** "Inside the optimizers": a sampled step's figures per read-back (live runs only; bounded as the trace). */
  inside?: InsideSample[];
}

/** A point per few pixels of a wide chart over a long run; older points are thinned, never the newest. */
export const MAX_TRACE_POINTS = 2000;

/** Appends a live point (a trace point, an inside sample), thinning the older ones past MAX_TRACE_POINTS. */
export function appendTrace<T>(trace: readonly T[] | undefined, point: T): T[] {
  const next = [...(trace ?? []), point];
  return next.length > MAX_TRACE_POINTS ? next.filter((_, i) => i % 2 === 1 || i === next.length - 1) : next;
}

export interface RunState {
  id: number;
  /** Trained here now, opened from a file, or brought back from the last visit. */
  source: 'live' | 'imported' | 'restored';
  /** File name of an imported run. */
  sourceName?: string;
  /** The frozen settings this run was started with; later form edits never touch it. */
  config: ExperimentConfig;
  phase: 'running' | 'stopping' | 'finished' | 'failed';
  /** Paused by the user while running: every weight and slot kept, Step trains one batch. */
  paused?: boolean;
  outcome?: TrainingOutcome;
  failure?: string;
  progress?: TrainingProgress;
  /** Each training's state, by trainingId(): the contestant's key for the first seed ("adam"), "adam+1" for the next. */
  contestants: Record<string, ContestantRunState>;
  backend?: Pick<BackendInfo, 'name' | 'precision'>;
  /** When an opened or restored run was saved (its file's `exportedAt`), to name it when pinned as a baseline. */
  savedAt?: string;
}

export type DataState =
  | { status: 'loading'; progress?: LoadProgress }
  | { status: 'ready'; trainCount: number; testCount: number; seconds: number }
  | { status: 'error'; file: string; message: string };

/** One seed's training of a contestant. */
export interface SeedRunState {
  /** The seed it trains from (the run's seed + offset). */
  seed: number;
  /** Its key in RunState.contestants and in worker events. */
  id: string;
  state: ContestantRunState;
}

export interface LineupEntry {
  key: string;
  name: string;
  contestant: Contestant;
  style: ContestantStyle;
  /** The first seed's state: what a one-seed run has, and what evaluation uses. */
  state: ContestantRunState;
  /** Every seed's, the first one first (one entry in a one-seed run). */
  seeds: SeedRunState[];
}

const QUEUED: ContestantRunState = { status: 'queued', history: [] };

/** The run's contestants in order, each with its name, its style (the same in charts, legend and table) and its state per seed. */
export function runLineup(run: Pick<RunState, 'config' | 'contestants'>): LineupEntry[] {
  return trainingContestants(run.config).map((contestant, index) => {
    const key = contestantKey(contestant);
    const seeds = Array.from({ length: run.config.seeds }, (_, offset) => {
      const id = trainingId(key, offset);
      return { seed: trainingSeed(run.config.seed, offset), id, state: run.contestants[id] ?? QUEUED };
    });
    return { key, name: contestantName(contestant), contestant, style: contestantStyle(index), state: seeds[0].state, seeds };
  });
}

/** A contestant's status over its seeds: training while any trains, diverged when every seed did, stopped when any was stopped. */
export function combinedStatus(seeds: readonly Pick<SeedRunState, 'state'>[]): RunStatus {
  const statuses = seeds.map((s) => s.state.status);
  for (const status of ['training', 'queued'] as const) if (statuses.includes(status)) return status;
  if (statuses.every((s) => s === 'diverged')) return 'diverged';
  return statuses.includes('stopped') ? 'stopped' : 'done';
}

/** A lineup entry whose state is its mean over seeds, with each epoch's spread (empty with one seed). */
export type AveragedEntry = LineupEntry & { spread: EpochSpread[] };

/**
 * Each contestant's mean over its seeds, as one run's state (its history per epoch and its
 * live trace), for the charts and their tables. Diverged seeds are left out of the mean
 * (their numbers stop where they diverged); a one-seed entry is returned as it is.
 */
export function averagedLineup(lineup: readonly LineupEntry[], { traces: withTraces = true } = {}): AveragedEntry[] {
  return lineup.map((entry) => {
    if (entry.seeds.length === 1) return { ...entry, spread: [] };
    const healthy = entry.seeds.map((s) => s.state).filter((s) => s.status !== 'diverged');
    const spread = aggregateHistories(healthy.map((s) => s.history));
    // The live curves' mean is the costliest part: only the charts need it.
    const traces = withTraces ? healthy.map((s) => s.trace ?? []) : [];
    const trace = traces.some((t) => t.length) ? meanTrace(traces) : undefined;
    const state: ContestantRunState = { status: combinedStatus(entry.seeds), history: spread.map((e) => e.mean), ...(trace ? { trace } : {}) };
    return { ...entry, state, spread };
  });
}

/** A results document's runs as a run's contestants, by key. */
export function resultsContestants(results: Pick<ExperimentResults, 'runs' | 'experiment'>): RunState['contestants'] {
  // The file's seeds are the experiment's (the reader checked), so seed − first seed is the offset.
  return Object.fromEntries(
    results.runs.map((r) => [trainingId(r.contestant, (r.seed - results.experiment.seed) >>> 0), { status: r.status, history: r.history, divergence: r.divergence }]),
  );
}

/** The run as a results document, for export and for keeping across reloads. */
export function runToResults(run: RunState): ExperimentResults {
  return buildResults(
    run.config,
    run.backend ? { name: run.backend.name, precision: run.backend.precision } : null,
    runLineup(run).flatMap(({ key, seeds }) =>
      seeds.map(({ seed, state }) => ({
        contestant: key,
        seed,
        status: state.status,
        history: state.history,
        ...(state.divergence ? { divergence: state.divergence } : {}),
      })),
    ),
  );
}

/** Ended (done, stopped or failed) with at least one finished epoch: results to export or pin. */
export function hasEndedWithResults(run: RunState | undefined): run is RunState {
  return !!run && !isTraining(run) && Object.values(run.contestants).some((c) => c.history.length);
}

/** Running or stopping: the workers are busy and the run's settings are fixed. */
export function isTraining(run: Pick<RunState, 'phase'> | undefined): boolean {
  return run?.phase === 'running' || run?.phase === 'stopping';
}
