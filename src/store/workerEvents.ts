/** The store's handling of the training client's events: data, backend, run progress, crashes. */
import type { RunStatus } from '../experiment/metrics';
import type { WorkerEvent } from '../train/protocol';
import { keepFinishedRun, type ResultsStore } from './persistence';
import type { StoreGet, StoreSet } from './playgroundStore';
import { appendTrace, isTraining, type ContestantRunState, type RunState } from './runState';

/** The data error's "file" when it is the worker, not the dataset, that fails. */
export const TRAINING_WORKER = 'training worker';

export const WORKER_CANNOT_START =
  'The training worker could not start, several times in a row. If you host this app yourself, serve the worker script with the same Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers as the page (README, "Hosting").';

export interface WorkerEvents {
  handleEvent(event: WorkerEvent): void;
  /** A worker died; `restarted` false when workers cannot start here at all. */
  handleCrash(message: string, restarted?: boolean): void;
}

/** Any contestant still queued or training ends with `status` (stop, failure). */
function settleContestants(run: RunState, status: RunStatus): RunState['contestants'] {
  return Object.fromEntries(
    Object.entries(run.contestants).map(([key, state]) => [key, state.status === 'queued' || state.status === 'training' ? { ...state, status } : state]),
  );
}

export function createWorkerEvents(set: StoreSet, get: StoreGet, resultsStore: ResultsStore | undefined): WorkerEvents {
  const updateRun = (runId: number, change: (run: RunState) => RunState) => {
    const run = get().run;
    if (run && run.id === runId) set({ run: change(run) });
  };
  const updateContestant = (runId: number, key: string, change: (state: ContestantRunState) => ContestantRunState) =>
    updateRun(runId, (run) => {
      // Own keys only: a key such as "__proto__" from a broken worker must change nothing.
      if (!Object.hasOwn(run.contestants, key)) return run;
      return { ...run, contestants: { ...run.contestants, [key]: change(run.contestants[key]) } };
    });
  /** End events count once, and only for the run in progress. */
  const isActive = (runId: number) => {
    const run = get().run;
    return run?.id === runId && isTraining(run);
  };
  const keep = () => keepFinishedRun(resultsStore, get().run);

  return {
    handleEvent: (event) => {
      switch (event.type) {
        case 'backend':
          set({ backend: event.backend });
          break;
        case 'dataProgress':
          // Progress only moves a load in flight; it never overwrites an error or a ready dataset.
          if (get().data.status === 'loading') set({ data: { status: 'loading', progress: event.progress } });
          break;
        case 'dataReady':
          set({ data: { status: 'ready', trainCount: event.trainCount, testCount: event.testCount, seconds: event.seconds } });
          break;
        case 'memory': {
          const { type: _type, ...memory } = event;
          set({ memory });
          break;
        }
        case 'dataError':
          set({ data: { status: 'error', file: event.file, message: event.message } });
          break;
        case 'runStatus':
          updateContestant(event.runId, event.contestant, (s) => ({ ...s, status: event.status, divergence: event.divergence ?? s.divergence }));
          break;
        case 'epoch':
          updateContestant(event.runId, event.contestant, (s) => ({ ...s, history: [...s.history, event.metrics] }));
          break;
        case 'progress':
          updateRun(event.runId, (run) => {
            const contestants = { ...run.contestants };
            for (const [key, live] of Object.entries(event.progress.live)) {
              if (!Object.hasOwn(contestants, key)) continue;
              const state = contestants[key];
              contestants[key] = { ...state, trace: appendTrace(state.trace, { position: event.progress.position, ...live }) };
            }
            for (const [key, sample] of Object.entries(event.progress.inside ?? {})) {
              if (!Object.hasOwn(contestants, key)) continue;
              const state = contestants[key];
              contestants[key] = { ...state, inside: appendTrace(state.inside, sample) };
            }
            return { ...run, progress: event.progress, contestants };
          });
          break;
        case 'runFinished':
          if (!isActive(event.runId)) break;
          updateRun(event.runId, (run) => ({
            ...run,
            phase: 'finished',
            paused: false,
            outcome: event.outcome,
            contestants: settleContestants(run, event.outcome === 'done' ? 'done' : 'stopped'),
          }));
          keep();
          get().recordLessonRun();
          break;
        case 'evaluation':
        case 'evaluationFailed':
        case 'prediction':
        case 'predictionFailed':
          get().handleEvaluationEvent(event);
          break;
        case 'landscapeProgress':
        case 'landscape':
        case 'landscapeFailed':
          get().handleLandscapeEvent(event);
          break;
        case 'rateFinder':
        case 'rateFinderFailed':
          get().handleRateFinderEvent(event);
          break;
        case 'runFailed':
          if (!isActive(event.runId)) break;
          updateRun(event.runId, (run) => ({ ...run, phase: 'failed', paused: false, failure: event.message, contestants: settleContestants(run, 'stopped') }));
          set({ notice: `Training failed: ${event.message}` });
          keep();
          break;
      }
    },

    handleCrash: (message, restarted = true) => {
      const run = get().run;
      const active = run && isTraining(run);
      if (active) {
        set({ run: { ...run, phase: 'failed', paused: false, failure: message, contestants: settleContestants(run, 'stopped') } });
        keep();
      }
      if (!restarted) {
        set({ data: { status: 'error', file: TRAINING_WORKER, message: `${message} ${WORKER_CANNOT_START}` } });
        return;
      }
      set({
        notice: `${message} ${active ? 'The finished epochs are kept. ' : ''}The worker has been restarted; press Train to run again.`,
        data: { status: 'loading' },
      });
    },
  };
}
