/**
 * The store's evaluation of a finished run: which contestants can be evaluated (only
 * those trained here, in this session: their final weights live in the workers), each
 * one's evaluation as it loads, and the predictions for a drawn digit. Results arrive
 * as worker events; those of any run but the current one are ignored.
 */
import type { ContestantEvaluation, DigitPrediction, WorkerEvent } from '../train/protocol';
import type { StoreGet, StoreSet, TrainingPort } from './playgroundStore';
import { isTraining, runLineup, type LineupEntry, type RunState } from './runState';

export type EvaluationEntry =
  | { status: 'loading' }
  | { status: 'ready'; result: ContestantEvaluation }
  | { status: 'failed'; message: string };

/** The current run's evaluations, one per contestant asked for, and the one on show. */
export interface EvaluationState {
  runId: number;
  selected: string;
  entries: Record<string, EvaluationEntry>;
}

/** The latest drawn digit's predictions; an older drawing's answer is ignored. */
export interface DigitPredictionState {
  runId: number;
  requestId: number;
  status: 'loading' | 'ready' | 'failed';
  /** While loading, the previous drawing's results (so the list does not flicker). */
  results?: DigitPrediction[];
  message?: string;
}

/** `why` names the reason, for panels (the landscape's) that say it in their own words. */
export type EvaluationAvailability = { available: true; contestants: LineupEntry[] } | { available: false; reason: string; why: keyof typeof EVALUATION_REASONS };

export const EVALUATION_REASONS = {
  noRun: 'Train a run to evaluate its contestants here.',
  training: 'The evaluation opens when training has finished.',
  imported: 'This run was opened from a file; train it here to evaluate it (the weights stay in the browser that trained them).',
  restored: 'This run was restored from your last visit, and its weights were not kept; train it again to evaluate it.',
  nothingFinished: 'No contestant finished an epoch (they diverged or were stopped first), so there is nothing to evaluate.',
} as const;

/** A contestant has final weights worth evaluating: done, or stopped after at least one epoch. */
const finished = (entry: LineupEntry) => entry.state.status === 'done' || (entry.state.status === 'stopped' && entry.state.history.length >= 1);

/** Whether the run's contestants can be evaluated, and which; or, in a sentence, why not. */
export function evaluationAvailability(run: RunState | undefined): EvaluationAvailability {
  const not = (why: keyof typeof EVALUATION_REASONS) => ({ available: false as const, reason: EVALUATION_REASONS[why], why });
  if (!run) return not('noRun');
  if (run.source === 'imported') return not('imported');
  if (run.source === 'restored') return not('restored');
  if (isTraining(run)) return not('training');
  const contestants = runLineup(run).filter(finished);
  return contestants.length ? { available: true, contestants } : not('nothingFinished');
}

export interface EvaluationActions {
  /** Shows `contestant`'s evaluation; with `load`, asks the worker for it unless it is loaded or loading. */
  selectEvaluation(contestant: string, load?: boolean): void;
  /** Asks every contestant for its prediction of a drawn digit (784 values in [0, 1], MNIST-preprocessed). */
  predictDigit(pixels: Float32Array): void;
  clearDigitPrediction(): void;
  handleEvaluationEvent(event: Extract<WorkerEvent, { type: 'evaluation' | 'evaluationFailed' | 'prediction' | 'predictionFailed' }>): void;
}

export function createEvaluation(set: StoreSet, get: StoreGet, port: TrainingPort): EvaluationActions {
  let requests = 0;
  /** The current run when its contestants can be evaluated, with them. */
  const evaluable = () => {
    const run = get().run;
    const availability = evaluationAvailability(run);
    return availability.available && run ? { run, contestants: availability.contestants } : undefined;
  };

  return {
    selectEvaluation: (contestant, load = false) => {
      const found = evaluable();
      if (!found || !found.contestants.some((c) => c.key === contestant)) return;
      const previous = get().evaluation;
      const entries = previous?.runId === found.run.id ? previous.entries : {};
      const entry = Object.hasOwn(entries, contestant) ? entries[contestant] : undefined;
      const request = load && port.evaluate && (!entry || entry.status === 'failed');
      set({ evaluation: { runId: found.run.id, selected: contestant, entries: request ? { ...entries, [contestant]: { status: 'loading' } } : entries } });
      // After the state: a client with no weights answers at once.
      if (request) port.evaluate!(found.run.id, contestant);
    },

    predictDigit: (pixels) => {
      const found = evaluable();
      if (!found || !port.predict) return;
      const requestId = ++requests;
      const previous = get().digitPrediction;
      set({ digitPrediction: { runId: found.run.id, requestId, status: 'loading', results: previous?.runId === found.run.id ? previous.results : undefined } });
      port.predict(found.run.id, requestId, pixels);
    },

    clearDigitPrediction: () => set({ digitPrediction: undefined }),

    handleEvaluationEvent: (event) => {
      if (get().run?.id !== event.runId) return;
      switch (event.type) {
        case 'evaluation':
        case 'evaluationFailed': {
          const evaluation = get().evaluation;
          // Own keys only, and only answers to requests of this run.
          if (evaluation?.runId !== event.runId || !Object.hasOwn(evaluation.entries, event.contestant)) return;
          const entry: EvaluationEntry =
            event.type === 'evaluationFailed'
              ? { status: 'failed', message: event.message }
              : {
                  status: 'ready',
                  result: { confusion: event.confusion, testCount: event.testCount, correct: event.correct, misclassified: event.misclassified, seconds: event.seconds },
                };
          set({ evaluation: { ...evaluation, entries: { ...evaluation.entries, [event.contestant]: entry } } });
          return;
        }
        case 'prediction':
        case 'predictionFailed': {
          const prediction = get().digitPrediction;
          if (prediction?.runId !== event.runId || prediction.requestId !== event.requestId) return;
          set({
            digitPrediction:
              event.type === 'prediction'
                ? { ...prediction, status: 'ready', results: event.results }
                : { ...prediction, status: 'failed', results: undefined, message: event.message },
          });
          return;
        }
      }
    },
  };
}
