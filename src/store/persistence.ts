/**
 * The last finished run survives a reload: saved as a results file in the browser's
 * storage, read back through the same validating, migrating reader as an opened file.
 */
import { parseResultsFile, resultsToJson, type ExperimentResults } from '../experiment/resultsFile';
import { runToResults, type RunState } from './runState';

/** Where the last finished run is kept across reloads (localStorage in the app). */
export interface ResultsStore {
  save(results: ExperimentResults): void;
}

export const LAST_RESULTS_KEY = 'optimizer-playground/last-results';

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

/** localStorage as a ResultsStore. */
export function browserResultsStore(storage: Pick<Storage, 'setItem'>): ResultsStore {
  return { save: (results) => storage.setItem(LAST_RESULTS_KEY, resultsToJson(results)) };
}

/**
 * The saved run, if any. One that this version cannot read (a format it does not
 * know, a damaged entry) is removed and named in a one-line notice, never an error.
 */
export function restoreSavedRun(storage: Pick<Storage, 'getItem' | 'removeItem'>): { results?: ExperimentResults; notice?: string } {
  let saved: string | null;
  try {
    saved = storage.getItem(LAST_RESULTS_KEY);
  } catch {
    return {}; // storage disabled: nothing to restore
  }
  if (!saved) return {};
  const parsed = parseResultsFile(saved, 'The saved results');
  if (parsed.ok) return { results: parsed.results };
  try {
    storage.removeItem(LAST_RESULTS_KEY);
  } catch {
    /* nothing more to do */
  }
  return { notice: SAVED_RUN_DROPPED };
}
