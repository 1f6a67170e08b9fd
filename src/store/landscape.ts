/**
 * The store's landscape between the runs: asked for by the user (nothing is computed
 * before), its progress, result, failure or cancellation. Only the latest request of
 * the current run counts; events of any other are ignored.
 */
import type { LandscapeResult, WorkerEvent } from '../train/protocol';
import { evaluationAvailability } from './evaluation';
import type { StoreGet, StoreSet, TrainingPort } from './playgroundStore';

export type LandscapeState = { runId: number; requestId: number; slice?: { a: string; b: string } } & (
  | { status: 'running'; done: number; total: number }
  | { status: 'ready'; result: LandscapeResult }
  | { status: 'failed'; message: string }
  | { status: 'cancelled' }
);

export const LANDSCAPE_NEEDS_TWO = 'Choose two different contestants for the slice.';

export interface LandscapeActions {
  /** Every finished contestant's line, and with `slice` the slice through `a` and `b` (two different finished contestants). */
  showLandscape(slice?: { a: string; b: string }): void;
  cancelLandscape(): void;
  handleLandscapeEvent(event: Extract<WorkerEvent, { type: 'landscapeProgress' | 'landscape' | 'landscapeFailed' }>): void;
}

export function createLandscape(set: StoreSet, get: StoreGet, port: TrainingPort): LandscapeActions {
  let requests = 0;
  const current = (event: { runId: number; requestId: number }) => {
    const landscape = get().landscape;
    return landscape && get().run?.id === event.runId && landscape.runId === event.runId && landscape.requestId === event.requestId ? landscape : undefined;
  };
  return {
    showLandscape: (slice) => {
      const run = get().run;
      const availability = evaluationAvailability(run);
      if (!run || !availability.available || !port.landscape) return;
      const keys = availability.contestants.map((c) => c.key);
      const previous = get().landscape;
      if (previous?.status === 'running') port.cancelLandscape?.(previous.requestId);
      const requestId = ++requests;
      if (slice && (slice.a === slice.b || !keys.includes(slice.a) || !keys.includes(slice.b))) {
        set({ landscape: { runId: run.id, requestId, status: 'failed', message: LANDSCAPE_NEEDS_TWO } });
        return;
      }
      set({ landscape: { runId: run.id, requestId, slice, status: 'running', done: 0, total: 0 } });
      // After the state: a client with no weights answers at once.
      port.landscape(run.id, requestId, keys, slice);
    },

    cancelLandscape: () => {
      const landscape = get().landscape;
      if (landscape?.status !== 'running') return;
      port.cancelLandscape?.(landscape.requestId);
      set({ landscape: { runId: landscape.runId, requestId: landscape.requestId, slice: landscape.slice, status: 'cancelled' } });
    },

    handleLandscapeEvent: (event) => {
      const landscape = current(event);
      if (landscape?.status !== 'running') return;
      const { runId, requestId, slice } = landscape;
      switch (event.type) {
        case 'landscapeProgress':
          set({ landscape: { ...landscape, done: event.done, total: event.total } });
          return;
        case 'landscape': {
          const { lines, slice: sliceResult, examples, seconds } = event;
          set({ landscape: { runId, requestId, slice, status: 'ready', result: { lines, slice: sliceResult, examples, seconds } } });
          return;
        }
        case 'landscapeFailed':
          set({ landscape: { runId, requestId, slice, status: 'failed', message: event.message } });
          return;
      }
    },
  };
}
