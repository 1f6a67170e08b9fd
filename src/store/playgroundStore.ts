/**
 * UI state: the form draft, the dataset and backend status, and the current run.
 * The store is the only consumer of the training client's events.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExperimentConfig } from '../experiment/config';
import { defaultDraft, draftFromConfig, fieldKey, resolveDraft, type Draft } from '../experiment/draft';
import { buildResults, type ExperimentResults } from '../experiment/resultsFile';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults, type OptimizerId } from '../experiment/optimizers';
import type { LoadProgress } from '../data/shardLoader';
import type { BackendInfo, BackendPreference, WorkerEvent } from '../train/protocol';
import { defaultView, type ViewKey, type ViewOptions } from '../experiment/view';
import type { TrainingOutcome, TrainingProgress } from '../train/trainer';

export interface TracePoint {
  /** Epochs done, as a fraction. */
  position: number;
  trainLoss: number;
  trainAccuracy: number;
}

export interface OptimizerRunState {
  status: RunStatus;
  history: EpochMetrics[];
  divergence?: DivergenceInfo;
  /** Training loss and accuracy as they arrive during the run (live runs only). */
  trace?: TracePoint[];
}

/** Enough for a smooth curve at chart width; older points are thinned, never the newest. */
export const MAX_TRACE_POINTS = 300;

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
  outcome?: TrainingOutcome;
  failure?: string;
  progress?: TrainingProgress;
  optimizers: Partial<Record<OptimizerId, OptimizerRunState>>;
  backend?: Pick<BackendInfo, 'name' | 'precision'>;
}

export type DataState =
  | { status: 'loading'; progress?: LoadProgress }
  | { status: 'ready'; trainCount: number; testCount: number; seconds: number }
  | { status: 'error'; file: string; message: string };

export interface PlaygroundState {
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

  setText(optimizer: OptimizerId | null, key: string, text: string): void;
  setFlag(optimizer: OptimizerId, key: string, value: boolean): void;
  setSelected(optimizer: OptimizerId, selected: boolean): void;
  setView(key: ViewKey, value: boolean): void;
  dismissLinkNotices(): void;
  resetOptimizer(optimizer: OptimizerId): void;
  startLoading(): void;
  measureMemory(): void;
  /** Diagnostics: a GPU reset on demand, to see the fallback work. */
  simulateGpuReset(): void;
  /** Which backend the user asked for; 'auto' lets the app choose. */
  backendPreference: BackendPreference;
  setBackendPreference(preference: BackendPreference): void;
  train(): void;
  stop(): void;
  dismissNotice(): void;
  /** Shows finished results without training (an imported file, or the last visit's run). */
  showResults(results: ExperimentResults, source: 'imported' | 'restored', sourceName?: string): void;
  /** Shows a problem the user should know about (a failed import or export); nothing else changes. */
  showNotice(message: string): void;
  handleEvent(event: WorkerEvent): void;
  /** A worker died; `restarted` false when workers cannot start here at all. */
  handleCrash(message: string, restarted?: boolean): void;
}

export interface TrainingPort {
  load(backend: BackendPreference): void;
  measureMemory?(): void;
  loseWebglContext?(): void;
  train(runId: number, config: ExperimentConfig): void;
  stop(runId: number): void;
}

/** The data error's "file" when it is the worker, not the dataset, that fails. */
export const TRAINING_WORKER = 'training worker';

export const WORKER_CANNOT_START =
  'The training worker could not start, several times in a row. If you host this app yourself, serve the worker script with the same Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers as the page (README, "Hosting").';

/** Where the last finished run is kept across reloads (localStorage in the app). */
export interface ResultsStore {
  save(results: ExperimentResults): void;
}

/** The run as a results document, for export and for keeping across reloads. */
export function runToResults(run: RunState): ExperimentResults {
  return buildResults(
    run.config,
    run.backend ? { name: run.backend.name, precision: run.backend.precision } : null,
    run.config.optimizers.map((optimizer) => {
      const state = run.optimizers[optimizer] ?? { status: 'queued' as const, history: [] };
      return { optimizer, status: state.status, history: state.history, ...(state.divergence ? { divergence: state.divergence } : {}) };
    }),
  );
}

/** Running or stopping: the workers are busy and the run's settings are fixed. */
export function isTraining(run: Pick<RunState, 'phase'> | undefined): boolean {
  return run?.phase === 'running' || run?.phase === 'stopping';
}

export interface InitialState {
  draft?: Draft;
  view?: ViewOptions;
  linkNotices?: string[];
}

export function createPlaygroundStore(port: TrainingPort, initial: InitialState = {}, resultsStore?: ResultsStore): StoreApi<PlaygroundState> {
  let nextRunId = 1;
  /** Keeps a finished live run so a reload does not lose it; storage failures must not break training. */
  const keep = (run: RunState | undefined) => {
    if (!run || run.source !== 'live' || !Object.values(run.optimizers).some((o) => o?.history.length)) return;
    try {
      resultsStore?.save(runToResults(run));
    } catch {
      /* quota or privacy mode: the results stay on screen, only the reload copy is missing */
    }
  };

  return createStore<PlaygroundState>()((set, get) => {
    const updateRun = (runId: number, change: (run: RunState) => RunState) => {
      const run = get().run;
      if (run && run.id === runId) set({ run: change(run) });
    };
    const updateOptimizer = (runId: number, id: OptimizerId, change: (state: OptimizerRunState) => OptimizerRunState) =>
      updateRun(runId, (run) => {
        const current = run.optimizers[id];
        return current ? { ...run, optimizers: { ...run.optimizers, [id]: change(current) } } : run;
      });
    /** End events count once, and only for the run in progress. */
    const isActive = (runId: number) => {
      const run = get().run;
      return run?.id === runId && isTraining(run);
    };
    /** Any optimizer still queued or training ends with `status` (stop, failure). */
    const settleOptimizers = (run: RunState, status: RunStatus): RunState['optimizers'] =>
      Object.fromEntries(
        Object.entries(run.optimizers).map(([id, state]) => [
          id,
          state && (state.status === 'queued' || state.status === 'training') ? { ...state, status } : state,
        ]),
      );

    return {
      draft: initial.draft ?? defaultDraft(),
      view: initial.view ?? defaultView(),
      linkNotices: initial.linkNotices ?? [],
      data: { status: 'loading' },

      setView: (key, value) => set(({ view }) => ({ view: { ...view, [key]: value } })),
      dismissLinkNotices: () => set({ linkNotices: [] }),

      setText: (optimizer, key, text) => set(({ draft }) => ({ draft: { ...draft, text: { ...draft.text, [fieldKey(optimizer, key)]: text } } })),
      setFlag: (optimizer, key, value) => set(({ draft }) => ({ draft: { ...draft, flags: { ...draft.flags, [fieldKey(optimizer, key)]: value } } })),
      setSelected: (optimizer, selected) =>
        set(({ draft }) => ({
          draft: {
            ...draft,
            selected: OPTIMIZER_IDS.filter((id) => (id === optimizer ? selected : draft.selected.includes(id))),
          },
        })),
      resetOptimizer: (optimizer) =>
        set(({ draft }) => {
          const text = { ...draft.text };
          const flags = { ...draft.flags };
          const defaults = optimizerDefaults(optimizer);
          for (const spec of OPTIMIZERS[optimizer].parameters) {
            const key = fieldKey(optimizer, spec.key);
            if (spec.kind === 'boolean') flags[key] = defaults[spec.key] as boolean;
            else text[key] = String(defaults[spec.key]);
          }
          return { draft: { ...draft, text, flags } };
        }),

      measureMemory: () => port.measureMemory?.(),
      simulateGpuReset: () => port.loseWebglContext?.(),
      backendPreference: 'auto',
      setBackendPreference: (preference) => {
        if (isTraining(get().run)) return;
        set({ backendPreference: preference, backend: undefined, data: { status: 'loading' } });
        port.load(preference);
      },

      startLoading: () => {
        set({ data: { status: 'loading' } });
        port.load(get().backendPreference);
      },

      train: () => {
        const { config } = resolveDraft(get().draft);
        const { run, data } = get();
        if (!config || data.status !== 'ready' || isTraining(run)) return;
        const id = nextRunId++;
        // resolveDraft built `config` afresh, so the run owns it; the worker gets its own copy.
        const frozen = config;
        set({
          notice: undefined,
          run: {
            id,
            source: 'live',
            config: frozen,
            phase: 'running',
            backend: get().backend,
            optimizers: Object.fromEntries(frozen.optimizers.map((o) => [o, { status: 'queued', history: [] }])),
          },
        });
        port.train(id, structuredClone(frozen));
      },

      stop: () => {
        const run = get().run;
        if (!run || run.phase !== 'running') return;
        set({ run: { ...run, phase: 'stopping' } });
        port.stop(run.id);
      },

      dismissNotice: () => set({ notice: undefined }),

      showResults: (results, source, sourceName) => {
        if (isTraining(get().run)) {
          set({ notice: 'Stop the current training before opening results.' });
          return;
        }
        set({
          notice: undefined,
          draft: source === 'imported' ? draftFromConfig(results.experiment) : get().draft,
          run: {
            id: nextRunId++,
            source,
            sourceName,
            config: results.experiment,
            phase: 'finished',
            outcome: results.runs.every((r) => r.status === 'done' || r.status === 'diverged') ? 'done' : 'stopped',
            backend: results.backend ? { name: results.backend.name as BackendInfo['name'], precision: results.backend.precision } : undefined,
            optimizers: Object.fromEntries(results.runs.map((r) => [r.optimizer, { status: r.status, history: r.history, divergence: r.divergence }])),
          },
        });
      },

      showNotice: (message) => set({ notice: message }),

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
            updateOptimizer(event.runId, event.optimizer, (s) => ({ ...s, status: event.status, divergence: event.divergence ?? s.divergence }));
            break;
          case 'epoch':
            updateOptimizer(event.runId, event.optimizer, (s) => ({ ...s, history: [...s.history, event.metrics] }));
            break;
          case 'progress':
            updateRun(event.runId, (run) => {
              const optimizers = { ...run.optimizers };
              for (const [id, live] of Object.entries(event.progress.live) as [OptimizerId, { trainLoss: number; trainAccuracy: number }][]) {
                const state = optimizers[id];
                if (state) optimizers[id] = { ...state, trace: appendTrace(state.trace, { position: event.progress.position, ...live }) };
              }
              return { ...run, progress: event.progress, optimizers };
            });
            break;
          case 'runFinished':
            if (!isActive(event.runId)) break;
            updateRun(event.runId, (run) => ({
              ...run,
              phase: 'finished',
              outcome: event.outcome,
              optimizers: settleOptimizers(run, event.outcome === 'done' ? 'done' : 'stopped'),
            }));
            keep(get().run);
            break;
          case 'runFailed':
            if (!isActive(event.runId)) break;
            updateRun(event.runId, (run) => ({ ...run, phase: 'failed', failure: event.message, optimizers: settleOptimizers(run, 'stopped') }));
            set({ notice: `Training failed: ${event.message}` });
            keep(get().run);
            break;
        }
      },

      handleCrash: (message, restarted = true) => {
        const run = get().run;
        const active = run && isTraining(run);
        if (active) {
          set({ run: { ...run, phase: 'failed', failure: message, optimizers: settleOptimizers(run, 'stopped') } });
          keep(get().run);
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
  });
}
