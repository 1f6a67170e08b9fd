/**
 * UI state: the form draft, the dataset and backend status, and the current run.
 * The store is the only consumer of the training client's events. It is composed of
 * named parts: form edits (formEdits.ts), the run lifecycle (runLifecycle.ts), worker
 * events (workerEvents.ts) and persistence across reloads (persistence.ts).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExperimentConfig } from '../experiment/config';
import { defaultDraft, type Draft } from '../experiment/draft';
import { defaultView, type ViewOptions } from '../experiment/view';
import type { BackendInfo, BackendPreference, RunPacingSettings, WorkerEvent } from '../train/protocol';
import { createBaseline, type Baseline, type BaselineActions, type BaselineSlice } from './baseline';
import { createEvaluation, type DigitPredictionState, type EvaluationActions, type EvaluationState } from './evaluation';
import { createFormEdits, type FormEdits } from './formEdits';
import { createOffline, type OfflineActions, type OfflineSlice } from './offline';
import { createLandscape, type LandscapeActions, type LandscapeState } from './landscape';
import { createLessons, initialLessonProgress, type LessonActions, type LessonProgress } from './lessons';
import type { ResultsStore } from './persistence';
import { createRateFinder, type RateFinderActions, type RateFinderState } from './rateFinder';
import { createRunLifecycle, type RunLifecycle } from './runLifecycle';
import type { DataState, RunState } from './runState';
import { createWorkerEvents, type WorkerEvents } from './workerEvents';

export * from './runState';
export { evaluationAvailability, EVALUATION_REASONS, type EvaluationAvailability, type EvaluationEntry } from './evaluation';
export { rateFinderBlocked, type RateFinderState } from './rateFinder';
export type { ResultsStore } from './persistence';
export { LANDSCAPE_NEEDS_TWO, type LandscapeState } from './landscape';
export { TRAINING_WORKER, WORKER_CANNOT_START } from './workerEvents';
export { updateOffer, type OfflineState, type UpdateOffer } from './offline';
export { BASELINE_DASH, BASELINE_GREY, baselineLabel, baselineLineup, type Baseline } from './baseline';

export interface PlaygroundData {
  draft: Draft;
  view: ViewOptions;
  /** What a shared link contained that could not be used, and what was used instead. */
  linkNotices: string[];
  data: DataState;
  backend?: BackendInfo;
  run?: RunState;
  /** A problem the user should see that is not tied to a field (worker crash, ...). */
  notice?: string;
  /** The last memory measurement of the workers. */
  memory?: Omit<Extract<WorkerEvent, { type: 'memory' }>, 'type'>;
  /** The current run's evaluations (evaluation.ts). */
  evaluation?: EvaluationState;
  /** The latest drawn digit's predictions. */
  digitPrediction?: DigitPredictionState;
  /** The landscape between the runs, once asked for (landscape.ts). */
  landscape?: LandscapeState;
  /** The Speed control: batches per second for a demonstration; null, full speed. Kept across runs. */
  speed: number | null;
  /** The learning-rate finder's sweep, if one was asked for (rateFinder.ts). */
  rateFinder?: RateFinderState;
  /** The open lesson's prediction and runs (lessons.ts); undefined without a lesson. */
  lessonProgress?: LessonProgress;
}

export type PlaygroundState = PlaygroundData &
  FormEdits &
  RunLifecycle &
  WorkerEvents &
  EvaluationActions &
  LandscapeActions &
  RateFinderActions &
  OfflineSlice &
  OfflineActions &
  BaselineSlice &
  BaselineActions &
  LessonActions;

export type StoreSet = StoreApi<PlaygroundState>['setState'];
export type StoreGet = StoreApi<PlaygroundState>['getState'];

export interface TrainingPort {
  load(backend: BackendPreference): void;
  measureMemory?(): void;
  loseWebglContext?(): void;
  train(runId: number, config: ExperimentConfig, pacing?: RunPacingSettings): void;
  stop(runId: number): void;
  /** Pause, Resume, Step or a new Speed for the run in progress. */
  pace?(runId: number, action: 'pause' | 'resume' | 'step' | 'speed', batchesPerSecond?: number | null): void;
  /** Evaluation of a finished contestant, from the weights its worker kept. */
  evaluate?(runId: number, contestant: string): void;
  /** Every contestant's prediction of a drawn digit. */
  predict?(runId: number, requestId: number, pixels: Float32Array): void;
  /** The landscape between the run's initial weights and its contestants' final ones. */
  landscape?(runId: number, requestId: number, contestants: readonly string[], slice?: { a: string; b: string }): void;
  cancelLandscape?(requestId: number): void;
  /** The learning-rate sweep for one of `config`'s contestants, and its cancellation. */
  findRate?(requestId: number, config: ExperimentConfig, contestant: string): void;
  cancelFindRate?(requestId: number): void;
}


export interface InitialState {
  draft?: Draft;
  view?: ViewOptions;
  linkNotices?: string[];
  notice?: string;
  /** The baseline pinned on an earlier visit. */
  baseline?: Baseline;
}

export function createPlaygroundStore(port: TrainingPort, initial: InitialState = {}, resultsStore?: ResultsStore): StoreApi<PlaygroundState> {
  let runCounter = 0;
  const nextRunId = () => ++runCounter;
  return createStore<PlaygroundState>()((set, get) => ({
    draft: initial.draft ?? defaultDraft(),
    view: initial.view ?? defaultView(),
    linkNotices: initial.linkNotices ?? [],
    notice: initial.notice,
    data: { status: 'loading' },
    speed: null,
    lessonProgress: initialLessonProgress(initial.view?.lesson ?? null),
    ...createFormEdits(set),
    ...createRunLifecycle(set, get, port, nextRunId),
    ...createWorkerEvents(set, get, resultsStore),
    ...createEvaluation(set, get, port),
    ...createLandscape(set, get, port),
    ...createRateFinder(set, get, port),
    ...createOffline(set, get),
    ...createBaseline(set, get, resultsStore, initial.baseline),
    ...createLessons(set, get),
  }));
}
