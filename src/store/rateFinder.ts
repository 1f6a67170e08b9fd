/**
 * The store's learning-rate finder: one sweep at a time, for one contestant of the
 * form, run in the primary worker (train/lrFinder.ts); its points as they arrive,
 * the suggestion, and `Use this rate`, which writes it into the contestant's field.
 */
import { resolveDraft } from '../experiment/draft';
import { suggestRate, type RateFinderPoint, type RateSuggestion } from '../experiment/lrFinder';
import { contestantKey } from '../experiment/contestants';
import type { WorkerEvent } from '../train/protocol';
import type { StoreGet, StoreSet, TrainingPort } from './playgroundStore';
import { isTraining } from './runState';

export interface RateFinderState {
  requestId: number;
  contestant: string;
  status: 'running' | 'done' | 'failed';
  points: RateFinderPoint[];
  /** How the sweep ended: it reached 10, the loss blew up, or it was cancelled. */
  end?: 'end' | 'divergence' | 'cancelled';
  suggestion?: RateSuggestion;
  message?: string;
}

export interface RateFinderActions {
  /** Sweeps the rate for one contestant of the form with its other settings; a sweep in progress is cancelled. */
  findRate(contestant: string): void;
  cancelRateFinder(): void;
  closeRateFinder(): void;
  /** Writes the suggested rate (three significant digits) into the contestant's Learning rate field. */
  useFoundRate(): void;
  handleRateFinderEvent(event: Extract<WorkerEvent, { type: 'rateFinder' | 'rateFinderFailed' }>): void;
}

/** Why a sweep cannot start now, or undefined when it can. */
export function rateFinderBlocked(state: { run?: Parameters<typeof isTraining>[0]; data: { status: string } }): string | undefined {
  if (state.data.status !== 'ready') return 'The learning-rate finder needs the dataset; it is still loading.';
  if (isTraining(state.run)) return 'Find a learning rate when training has finished (the workers are busy).';
  return undefined;
}

export function createRateFinder(set: StoreSet, get: StoreGet, port: TrainingPort): RateFinderActions {
  let requests = 0;
  const update = (change: Partial<RateFinderState>) => {
    const current = get().rateFinder;
    if (current) set({ rateFinder: { ...current, ...change } });
  };
  return {
    findRate: (contestant) => {
      const previous = get().rateFinder;
      if (previous?.status === 'running') port.cancelFindRate?.(previous.requestId);
      const requestId = ++requests;
      const blocked = rateFinderBlocked(get());
      const { config } = resolveDraft(get().draft);
      const problem = blocked ?? (config ? undefined : 'Correct the highlighted settings first: the sweep uses them.');
      const known = config?.contestants.some((c) => contestantKey(c) === contestant);
      if (problem || !config || !known || !port.findRate) {
        set({ rateFinder: { requestId, contestant, status: 'failed', points: [], message: problem ?? 'This app cannot run the learning-rate finder here.' } });
        return;
      }
      set({ rateFinder: { requestId, contestant, status: 'running', points: [] } });
      port.findRate(requestId, config, contestant);
    },
    cancelRateFinder: () => {
      const current = get().rateFinder;
      if (current?.status === 'running') port.cancelFindRate?.(current.requestId);
    },
    closeRateFinder: () => {
      get().cancelRateFinder();
      set({ rateFinder: undefined });
    },
    useFoundRate: () => {
      const current = get().rateFinder;
      if (!current?.suggestion) return;
      get().setText(current.contestant, 'learningRate', String(Number(current.suggestion.rate.toPrecision(3))));
    },
    handleRateFinderEvent: (event) => {
      const current = get().rateFinder;
      if (current?.requestId !== event.requestId) return;
      if (event.type === 'rateFinderFailed') {
        update({ status: 'failed', message: event.message });
        return;
      }
      const points = [...current.points, ...event.points];
      if (!event.end) {
        update({ points });
        return;
      }
      // A cancelled sweep never reached the large rates: its steepest point may not be the curve's.
      update({ points, status: 'done', end: event.end, suggestion: event.end === 'cancelled' ? undefined : suggestRate(points) });
    },
  };
}
