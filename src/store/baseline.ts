/**
 * A pinned baseline: a finished run, or an opened results file, kept while other runs and
 * files come and go (faint ghost lines in every chart, a Baseline column in the results),
 * until unpinned. Kept across reloads like the last run (persistence.ts), so yesterday's
 * run sits behind today's tweak.
 */
import type { ExperimentResults } from '../experiment/resultsFile';
import type { ResultsStore } from './persistence';
import type { StoreGet, StoreSet } from './playgroundStore';
import { hasEndedWithResults, resultsContestants, runLineup, runToResults, type LineupEntry } from './runState';

export interface Baseline {
  results: ExperimentResults;
  /** The file it was opened from; absent for a run trained in this browser. */
  sourceName?: string;
}

export interface BaselineSlice {
  baseline?: Baseline;
  /** The id of the run on screen that is the baseline (pinned in this session), so it is not pinned twice. */
  baselineRunId?: number;
}

export interface BaselineActions {
  /** Pins the run on screen (ended, with at least one epoch) as the baseline, replacing any other. */
  pinBaseline(): void;
  unpinBaseline(): void;
}

/** Ghost lines of contestants the run on screen does not have: one neutral grey (4.5:1 on white). */
export const BASELINE_GREY = '#767676';
/** Every ghost line is dashed finely, whatever its contestant's own pattern. */
export const BASELINE_DASH = '3 3';

const SAVED_AT = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** The baseline in words: its file's name, or "your run of Mon 1 Dec, 19:42". */
export function baselineLabel(baseline: Baseline): string {
  if (baseline.sourceName) return baseline.sourceName;
  const savedAt = new Date(baseline.results.exportedAt);
  return Number.isNaN(savedAt.getTime()) ? 'your earlier run' : `your run of ${SAVED_AT.format(savedAt)}`;
}

/**
 * The baseline's contestants as the charts and table draw them: each in the colour of the
 * same contestant (by key) of the run on screen, so Adam's ghost is Adam's colour; grey
 * where the run has no such contestant; always finely dashed.
 */
export function baselineLineup(baseline: Baseline, shown: readonly Pick<LineupEntry, 'key' | 'style'>[]): LineupEntry[] {
  const colours = new Map(shown.map((entry) => [entry.key, entry.style.color]));
  return runLineup({ config: baseline.results.experiment, contestants: resultsContestants(baseline.results) }).map((entry) => ({
    ...entry,
    style: { color: colours.get(entry.key) ?? BASELINE_GREY, dash: BASELINE_DASH },
  }));
}

export function createBaseline(set: StoreSet, get: StoreGet, resultsStore: ResultsStore | undefined, initial?: Baseline): BaselineSlice & BaselineActions {
  const keep = (baseline: Baseline | undefined) => {
    try {
      resultsStore?.keepBaseline?.(baseline);
    } catch {
      /* quota or privacy mode: the baseline stays on screen, only the reload copy is missing */
    }
  };
  return {
    baseline: initial,
    pinBaseline: () => {
      const run = get().run;
      if (!hasEndedWithResults(run) || get().baselineRunId === run.id) return;
      const results = runToResults(run);
      const baseline: Baseline = {
        // An opened or restored run keeps the time it was saved, so its label says when it ran.
        results: run.savedAt ? { ...results, exportedAt: run.savedAt } : results,
        ...(run.source === 'imported' && run.sourceName ? { sourceName: run.sourceName } : {}),
      };
      set({ baseline, baselineRunId: run.id });
      keep(baseline);
    },
    unpinBaseline: () => {
      set({ baseline: undefined, baselineRunId: undefined });
      keep(undefined);
    },
  };
}
