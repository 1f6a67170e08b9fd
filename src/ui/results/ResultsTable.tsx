import { Fragment, useState, type ReactNode } from 'react';
import { bestRun, summarize, type RunSummary } from '../../experiment/metrics';
import { compareTopTwo, spreadOf } from '../../experiment/seedStats';
import { trainingSeed } from '../../experiment/config';
import { resultsToCsv, resultsToJson } from '../../experiment/resultsFile';
import { describeNetwork } from '../../experiment/network';
import { averagedLineup, baselineLabel, baselineLineup, hasEndedWithResults, isTraining, runLineup, runToResults, type LineupEntry, type RunState } from '../../store/playgroundStore';
import { BACKEND_LABELS } from '../../experiment/backends';
import { ContestantSwatch } from '../ContestantSwatch';
import { downloadText, exportBaseName } from '../download';
import { formatLoss, formatPercent, formatSeconds } from '../format';
import { usePlayground } from '../StoreContext';
import { InstructorGate } from '../instructor/InstructorGate';

const STATUS_TEXT = { queued: 'queued', training: 'training', done: 'done', stopped: 'stopped', diverged: 'diverged' } as const;

export function ResultsTable() {
  const run = usePlayground((s) => s.run);
  const pinned = usePlayground((s) => s.baseline);
  const [eachSeed, setEachSeed] = useState(false);
  if (!run) {
    return (
      <section className="panel results" aria-label="Results">
        <div className="results__head">
          <h2>Results</h2>
          {pinned && <BaselineButtons />}
        </div>
        {pinned && <BaselineBanner />}
        <p>Choose optimizers and press Train. Every contestant starts from the same weights and sees the same batches.</p>
      </section>
    );
  }
  const seeds = run.config.seeds;
  const lineup = averagedLineup(runLineup(run), { traces: false });
  const rows = lineup.map((entry) => ({ ...entry, ...entry.state, numbers: seedNumbers(entry) }));
  const best = rows.some((r) => r.history.length) ? bestRun(rows) : undefined;
  // The baseline's final test accuracy (its mean over its seeds) beside each contestant of the same name; its other contestants get rows of their own.
  const baseline = pinned ? averagedLineup(baselineLineup(pinned, lineup), { traces: false }) : [];
  const baselineAccuracy = new Map(baseline.map((entry) => [entry.key, summarize(entry.state.history).finalTestAccuracy]));
  const baselineOnly = baseline.filter((entry) => !lineup.some((own) => own.key === entry.key));
  // An opened file may name any backend: only known names are looked up.
  const backend = run.backend ? `${Object.hasOwn(BACKEND_LABELS, run.backend.name) ? BACKEND_LABELS[run.backend.name] : run.backend.name}, ${run.backend.precision}` : '–';
  const verdict = isTraining(run) ? undefined : compareTopTwo(rows.map((row) => ({ name: row.name, finals: row.numbers.finals, seeds })));
  return (
    <section className="panel results" aria-label="Results">
      <div className="results__head">
        <h2>Results</h2>
        <InstructorGate control="share">
          <ExportButtons run={run} />
        </InstructorGate>
        <BaselineButtons />
      </div>
      {run.source === 'restored' && <p className="source-banner">Restored from your last visit. Press Train to start a new run.</p>}
      {run.source === 'imported' && (
        <p className="source-banner">
          Opened from {run.sourceName ?? 'a file'}: these results were not trained in this browser.
          {!pinned && ' To compare it with another file or a new run, pin it as the baseline, then open the other file or train.'}
        </p>
      )}
      {pinned && <BaselineBanner />}
      {seeds > 1 && (
        <button type="button" className="small-button" aria-pressed={eachSeed} onClick={() => setEachSeed(!eachSeed)}>
          Show each seed
        </button>
      )}
      {/* Wider than a phone: it scrolls sideways inside this region, which the keyboard can reach and scroll. */}
      <div className="table-scroll" role="region" aria-label="Metrics per contestant" tabIndex={0}>
        <table>
          <caption>
            Network {describeNetwork(run.config.network)}
            {seeds > 1 &&
              `. Mean ± sample standard deviation (n − 1) over ${seeds} seeds, ${run.config.seed} to ${trainingSeed(run.config.seed, seeds - 1)}; diverged seeds left out.`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Contestant</th>
              <th scope="col">Status</th>
              <th scope="col">Train loss</th>
              <th scope="col">Train accuracy</th>
              <th scope="col">Test loss</th>
              <th scope="col">Test accuracy</th>
              <th scope="col">Best test accuracy</th>
              <th scope="col">Best epoch</th>
              <th scope="col" title="Wall-clock seconds of this contestant's own training steps and test evaluation, averaged over its epochs. Contestants run on parallel workers that share the CPU, so compare them within one run only.">
                Seconds per epoch
              </th>
              {pinned && (
                <th scope="col" title={`The final test accuracy of the same contestant in the baseline, ${baselineLabel(pinned)}`}>
                  Baseline
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const isBest = best?.key === row.key;
              const { cells } = row.numbers;
              const diverged = row.seeds.filter((s) => s.state.status === 'diverged').length;
              return (
                <Fragment key={row.key}>
                  <tr className={isBest ? 'best' : undefined}>
                    <th scope="row">
                      <ContestantSwatch style={row.style} />
                      {row.name}
                      {isBest && (
                        <span className="best-badge">
                          <span className="visually-hidden">, </span>best
                        </span>
                      )}
                    </th>
                    <td className={`status status--${row.status}`}>
                      {STATUS_TEXT[row.status]}
                      {row.status === 'diverged' && row.divergence && ` (epoch ${row.divergence.epoch}, batch ${row.divergence.batch})`}
                      {seeds > 1 && diverged > 0 && row.status !== 'diverged' && ` (${diverged} of ${seeds} seeds diverged)`}
                    </td>
                    <td>{cells.finalTrainLoss}</td>
                    <td>{cells.finalTrainAccuracy}</td>
                    <td>{cells.finalTestLoss}</td>
                    <td>{cells.finalTestAccuracy}</td>
                    <td>{cells.bestTestAccuracy}</td>
                    <td>{seeds > 1 ? (summarize(row.history).bestEpoch ?? '–') : cells.bestEpoch}</td>
                    <td>{cells.meanSecondsPerEpoch}</td>
                    {pinned && <td className="results__baseline">{formatPercent(baselineAccuracy.get(row.key) ?? null)}</td>}
                  </tr>
                  {eachSeed &&
                    seeds > 1 &&
                    row.seeds.map(({ seed, state }) => {
                      const summary = summarize(state.history);
                      return (
                        <tr key={seed} className="results__seed">
                          <th scope="row">
                            {row.name}, seed {seed}
                          </th>
                          <td className={`status status--${state.status}`}>
                            {STATUS_TEXT[state.status]}
                            {state.status === 'diverged' && state.divergence && ` (epoch ${state.divergence.epoch}, batch ${state.divergence.batch})`}
                          </td>
                          <td>{formatLoss(summary.finalTrainLoss)}</td>
                          <td>{formatPercent(summary.finalTrainAccuracy)}</td>
                          <td>{formatLoss(summary.finalTestLoss)}</td>
                          <td>{formatPercent(summary.finalTestAccuracy)}</td>
                          <td>{formatPercent(summary.bestTestAccuracy)}</td>
                          <td>{summary.bestEpoch ?? '–'}</td>
                          <td>{formatSeconds(summary.meanSecondsPerEpoch)}</td>
                          {pinned && <td />}
                        </tr>
                      );
                    })}
                </Fragment>
              );
            })}
            {baselineOnly.map((entry) => (
              <tr key={`baseline:${entry.key}`} className="results__baseline-only">
                <th scope="row">
                  <ContestantSwatch style={entry.style} />
                  {entry.name} <span className="results__baseline-note">(baseline only)</span>
                </th>
                <td colSpan={8}>not in this run</td>
                <td className="results__baseline">{formatPercent(baselineAccuracy.get(entry.key) ?? null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {verdict && <p className="results__verdict">{verdict}</p>}
      <p className="results__note">
        {run.config.trainExamples.toLocaleString('en-US')} training examples, batch {run.config.batchSize}, seed {run.config.seed}
        {seeds > 1 ? ` (and the next ${seeds - 1})` : ''}, {run.config.epochs} epoch{run.config.epochs === 1 ? '' : 's'}. Trained on {backend}.
      </p>
    </section>
  );
}

type SummaryKey = keyof RunSummary;
const FORMATS: Record<SummaryKey, (value: number) => string> = {
  finalTrainLoss: formatLoss,
  finalTrainAccuracy: formatPercent,
  finalTestLoss: formatLoss,
  finalTestAccuracy: formatPercent,
  bestTestAccuracy: formatPercent,
  bestEpoch: String,
  meanSecondsPerEpoch: formatSeconds,
};

/**
 * A contestant's cells: one seed's numbers as they are; over several seeds, the mean ± sample
 * sd of the seeds that finished an epoch without diverging (a loss's sd in its units, an
 * accuracy's in percentage points). Also the final test accuracies the sentence compares.
 */
function seedNumbers(entry: LineupEntry): { cells: Record<SummaryKey, ReactNode>; finals: number[] } {
  const finished = entry.seeds.filter((s) => s.state.status !== 'diverged' && s.state.history.length).map((s) => summarize(s.state.history));
  const finals = finished.map((s) => s.finalTestAccuracy!);
  const cells = Object.fromEntries(
    (Object.keys(FORMATS) as SummaryKey[]).map((key) => {
      const format = FORMATS[key];
      if (entry.seeds.length === 1) {
        const value = summarize(entry.state.history)[key];
        return [key, value === null ? '–' : format(value)];
      }
      const spread = spreadOf(finished.map((s) => s[key]!));
      if (!spread.n) return [key, '–'];
      const sd = format === formatPercent ? (spread.sd * 100).toFixed(2) : format === formatLoss ? formatLoss(spread.sd) : format(spread.sd).replace(/ s$/, '');
      // The sd on a line of its own keeps the table narrow enough for a laptop.
      return [
        key,
        <>
          {format(spread.mean)} <span className="results__sd">± {sd}</span>
        </>,
      ];
    }),
  ) as Record<SummaryKey, ReactNode>;
  return { cells, finals };
}

/** Pin the run on screen as the baseline (replacing another), or unpin it. */
function BaselineButtons() {
  const run = usePlayground((s) => s.run);
  const pinned = usePlayground((s) => s.baseline !== undefined);
  const isBaseline = usePlayground((s) => s.run !== undefined && s.baselineRunId === s.run.id);
  const pin = usePlayground((s) => s.pinBaseline);
  const unpin = usePlayground((s) => s.unpinBaseline);
  return (
    <span className="export-buttons">
      {run && (
        <button type="button" onClick={pin} disabled={!hasEndedWithResults(run) || isBaseline} title="Keep these results as faint lines behind later runs and opened files, and as a Baseline column, until unpinned.">
          Pin as baseline
        </button>
      )}
      {pinned && (
        <button type="button" onClick={unpin}>
          Unpin baseline
        </button>
      )}
    </span>
  );
}

/** What is pinned, in words, and where it shows. */
function BaselineBanner() {
  const pinned = usePlayground((s) => s.baseline);
  const isBaseline = usePlayground((s) => s.run !== undefined && s.baselineRunId === s.run.id);
  if (!pinned) return null;
  return (
    <p className="source-banner baseline-banner" role="status" aria-label="Baseline">
      Baseline pinned: {baselineLabel(pinned)}.{' '}
      {isBaseline
        ? 'Train again, or open another results file: this run stays behind it as faint dashed lines and in the Baseline column.'
        : 'It is drawn as faint dashed lines behind these results, and its final test accuracy is in the Baseline column.'}
    </p>
  );
}

function ExportButtons({ run }: { run: RunState }) {
  const ready = hasEndedWithResults(run);
  const save = (kind: 'csv' | 'json') => {
    const results = runToResults(run);
    if (kind === 'csv') downloadText(`${exportBaseName()}.csv`, resultsToCsv(results), 'text/csv');
    else downloadText(`${exportBaseName()}.json`, resultsToJson(results), 'application/json');
  };
  return (
    <span className="export-buttons">
      <button type="button" onClick={() => save('csv')} disabled={!ready}>
        Download CSV
      </button>
      <button type="button" onClick={() => save('json')} disabled={!ready}>
        Download JSON
      </button>
    </span>
  );
}
