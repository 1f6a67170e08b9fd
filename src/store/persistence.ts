/**
 * The last finished run survives a reload: saved as a results file in the browser's
 * storage, read back through the same validating, migrating reader as an opened file.
 */
import { parseResultsFile, resultsToJson, type ExperimentResults } from '../experiment/resultsFile';
import type { Baseline } from './baseline';
import { runToResults, type RunState } from './runState';

/** Where the last finished run and the pinned baseline are kept across reloads (localStorage in the app). */
export interface ResultsStore {
  save(results: ExperimentResults): void;
  /** Keeps the pinned baseline; undefined forgets it. */
  keepBaseline?(baseline: Baseline | undefined): void;
}

export const LAST_RESULTS_KEY = 'optimizer-playground/last-results';
/** The baseline as a results file, and the name of the file it came from under its own key. */
export const BASELINE_KEY = 'optimizer-playground/baseline';
export const BASELINE_SOURCE_KEY = 'optimizer-playground/baseline-source';

/** Keeps a finished live run with at least one epoch; storage failures must not break training. */
export function keepFinishedRun(store: ResultsStore | undefined, run: RunState | undefined): void {
  if (!store || !run || run.source !== 'live' || !Object.values(run.contestants).some((c) => c.history.length)) return;
  try {
    store.save(runToResults(run));
  } catch {
    /* quota or privacy mode: the results stay on screen, only the reload copy is missing */
  }
}

export const SAVED_RUN_DROPPED = 'Your last visit’s results could not be read by this version of the app, so they were set aside.';
export const SAVED_BASELINE_DROPPED = 'Your pinned baseline could not be read by this version of the app, so it was unpinned.';

/** localStorage as a ResultsStore. */
export function browserResultsStore(storage: Pick<Storage, 'setItem' | 'removeItem'>): ResultsStore {
  return {
    save: (results) => storage.setItem(LAST_RESULTS_KEY, resultsToJson(results)),
    keepBaseline: (baseline) => {
      if (!baseline) {
        storage.removeItem(BASELINE_KEY);
        storage.removeItem(BASELINE_SOURCE_KEY);
        return;
      }
      storage.setItem(BASELINE_KEY, resultsToJson(baseline.results));
      if (baseline.sourceName) storage.setItem(BASELINE_SOURCE_KEY, baseline.sourceName);
      else storage.removeItem(BASELINE_SOURCE_KEY);
    },
  };
}

/**
 * Results kept under `keys[0]` (other keys hold what belongs to them), read through the
 * migrating reader. What this version cannot read (a format it does not know, a damaged
 * entry) is removed and named in a one-line notice, never an error.
 */
function restoreSaved(storage: Pick<Storage, 'getItem' | 'removeItem'>, keys: string[], dropped: string): { results?: ExperimentResults; notice?: string } {
  let saved: string | null;
  try {
    saved = storage.getItem(keys[0]);
  } catch {
    return {}; // storage disabled: nothing to restore
  }
  if (!saved) return {};
  const parsed = parseResultsFile(saved, 'The saved results');
  if (parsed.ok) return { results: parsed.results };
  try {
    for (const key of keys) storage.removeItem(key);
  } catch {
    /* nothing more to do */
  }
  return { notice: dropped };
}

/** The saved run, if any (see restoreSaved). */
export function restoreSavedRun(storage: Pick<Storage, 'getItem' | 'removeItem'>): { results?: ExperimentResults; notice?: string } {
  return restoreSaved(storage, [LAST_RESULTS_KEY], SAVED_RUN_DROPPED);
}

/** The pinned baseline, if any (see restoreSaved). */
export function restoreBaseline(storage: Pick<Storage, 'getItem' | 'removeItem'>): { baseline?: Baseline; notice?: string } {
  const { results, notice } = restoreSaved(storage, [BASELINE_KEY, BASELINE_SOURCE_KEY], SAVED_BASELINE_DROPPED);
  if (!results) return notice ? { notice } : {};
  let sourceName: string | null = null;
  try {
    sourceName = storage.getItem(BASELINE_SOURCE_KEY);
  } catch {
    /* read a moment ago; a name is not essential */
  }
  return { baseline: { results, ...(sourceName ? { sourceName } : {}) } };
}
