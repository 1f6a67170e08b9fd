/**
 * What the store holds about a run, and the views of it the panels share: the
 * lineup (each contestant that trains, its name, style and state, in the run's order).
 */
import { trainingContestants, type ExperimentConfig } from '../experiment/config';
import { contestantKey, contestantName, contestantStyle, type Contestant, type ContestantStyle } from '../experiment/contestants';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import { buildResults, type ExperimentResults } from '../experiment/resultsFile';
import type { LoadProgress } from '../data/shardLoader';
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
}

/** A point per few pixels of a wide chart over a long run; older points are thinned, never the newest. */
export const MAX_TRACE_POINTS = 2000;

export function appendTrace(trace: readonly TracePoint[] | undefined, point: TracePoint): TracePoint[] {
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
  /** Each training contestant's state, by contestantKey(). */
  contestants: Record<string, ContestantRunState>;
  backend?: Pick<BackendInfo, 'name' | 'precision'>;
  /** When an opened or restored run was saved (its file's `exportedAt`), to name it when pinned as a baseline. */
  savedAt?: string;
}

export type DataState =
  | { status: 'loading'; progress?: LoadProgress }
  | { status: 'ready'; trainCount: number; testCount: number; seconds: number }
  | { status: 'error'; file: string; message: string };

export interface LineupEntry {
  key: string;
  name: string;
  contestant: Contestant;
  style: ContestantStyle;
  state: ContestantRunState;
}

const QUEUED: ContestantRunState = { status: 'queued', history: [] };

/** The run's contestants in order, each with its name, its style (the same in charts, legend and table) and its state. */
export function runLineup(run: Pick<RunState, 'config' | 'contestants'>): LineupEntry[] {
  return trainingContestants(run.config).map((contestant, index) => {
    const key = contestantKey(contestant);
    return { key, name: contestantName(contestant), contestant, style: contestantStyle(index), state: run.contestants[key] ?? QUEUED };
  });
}

/** A results document's runs as a run's contestants, by key. */
export function resultsContestants(results: Pick<ExperimentResults, 'runs'>): RunState['contestants'] {
  return Object.fromEntries(results.runs.map((r) => [r.contestant, { status: r.status, history: r.history, divergence: r.divergence }]));
}

/** The run as a results document, for export and for keeping across reloads. */
export function runToResults(run: RunState): ExperimentResults {
  return buildResults(
    run.config,
    run.backend ? { name: run.backend.name, precision: run.backend.precision } : null,
    runLineup(run).map(({ key, state }) => ({
      contestant: key,
      status: state.status,
      history: state.history,
      ...(state.divergence ? { divergence: state.divergence } : {}),
    })),
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
