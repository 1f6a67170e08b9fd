/** The store's run lifecycle: loading, the backend choice, Train, Stop, showing saved or opened results. */
import { experimentTrainings, trainingId } from '../experiment/config';
import { contestantKey } from '../experiment/contestants';
import { draftFromConfig, resolveDraft } from '../experiment/draft';
import type { ExperimentResults } from '../experiment/resultsFile';
import type { BackendInfo, BackendPreference } from '../train/protocol';
import type { StoreGet, StoreSet, TrainingPort } from './playgroundStore';
import { isTraining, resultsContestants } from './runState';

export interface RunLifecycle {
  startLoading(): void;
  /** Which backend the user asked for; 'auto' lets the app choose. */
  backendPreference: BackendPreference;
  setBackendPreference(preference: BackendPreference): void;
  measureMemory(): void;
  /** Diagnostics: a GPU reset on demand, to see the fallback work. */
  simulateGpuReset(): void;
  train(): void;
  stop(): void;
  /** Pause keeps every weight and slot; Resume continues exactly where it was. */
  pause(): void;
  resume(): void;
  /** While paused: one batch for every contestant. */
  step(): void;
  /** Batches per second (null: full speed), for this run and the next ones. */
  setSpeed(batchesPerSecond: number | null): void;
  /** Shows finished results without training (an imported file, or the last visit's run). */
  showResults(results: ExperimentResults, source: 'imported' | 'restored', sourceName?: string): void;
  /** Shows a problem the user should know about (a failed import or export); nothing else changes. */
  showNotice(message: string): void;
  dismissNotice(): void;
}

export function createRunLifecycle(set: StoreSet, get: StoreGet, port: TrainingPort, nextRunId: () => number): RunLifecycle {
  return {
    startLoading: () => {
      set({ data: { status: 'loading' } });
      port.load(get().backendPreference);
    },
    backendPreference: 'auto',
    setBackendPreference: (preference) => {
      if (isTraining(get().run)) return;
      set({ backendPreference: preference, backend: undefined, data: { status: 'loading' } });
      port.load(preference);
    },
    measureMemory: () => port.measureMemory?.(),
    simulateGpuReset: () => port.loseWebglContext?.(),

    train: () => {
      const { config } = resolveDraft(get().draft);
      const { run, data } = get();
      if (!config || data.status !== 'ready' || isTraining(run)) return;
      const id = nextRunId();
      // resolveDraft built `config` afresh, so the run owns it; the worker gets its own copy.
      set({
        notice: undefined,
        // The previous run's weights go with it.
        evaluation: undefined,
        digitPrediction: undefined,
        run: {
          id,
          source: 'live',
          config,
          phase: 'running',
          backend: get().backend,
          contestants: Object.fromEntries(experimentTrainings(config).map((t) => [trainingId(contestantKey(t.contestant), t.seedOffset), { status: 'queued', history: [] }])),
        },
      });
      port.train(id, structuredClone(config), { paused: false, batchesPerSecond: get().speed });
    },

    pause: () => {
      const run = get().run;
      if (!run || run.phase !== 'running' || run.paused) return;
      set({ run: { ...run, paused: true } });
      port.pace?.(run.id, 'pause');
    },
    resume: () => {
      const run = get().run;
      if (!run || !run.paused) return;
      set({ run: { ...run, paused: false } });
      if (run.phase === 'running') port.pace?.(run.id, 'resume');
    },
    step: () => {
      const run = get().run;
      if (run?.phase === 'running' && run.paused) port.pace?.(run.id, 'step');
    },
    setSpeed: (batchesPerSecond) => {
      set({ speed: batchesPerSecond });
      const run = get().run;
      if (run?.phase === 'running') port.pace?.(run.id, 'speed', batchesPerSecond);
    },

    stop: () => {
      const run = get().run;
      if (!run || run.phase !== 'running') return;
      set({ run: { ...run, phase: 'stopping', paused: false } });
      port.stop(run.id);
    },

    showResults: (results, source, sourceName) => {
      if (isTraining(get().run)) {
        set({ notice: 'Stop the current training before opening results.' });
        return;
      }
      set({
        notice: undefined,
        evaluation: undefined,
        digitPrediction: undefined,
        draft: source === 'imported' ? draftFromConfig(results.experiment) : get().draft,
        run: {
          id: nextRunId(),
          source,
          sourceName,
          config: results.experiment,
          phase: 'finished',
          outcome: results.runs.every((r) => r.status === 'done' || r.status === 'diverged') ? 'done' : 'stopped',
          backend: results.backend ? { name: results.backend.name as BackendInfo['name'], precision: results.backend.precision } : undefined,
          contestants: resultsContestants(results),
          savedAt: results.exportedAt,
        },
      });
    },

    showNotice: (message) => set({ notice: message }),
    dismissNotice: () => set({ notice: undefined }),
  };
}
