import { bestRun, summarize } from '../../experiment/metrics';
import { resultsToCsv, resultsToJson } from '../../experiment/resultsFile';
import { describeNetwork } from '../../experiment/network';
import { isTraining, runLineup, runToResults, type RunState } from '../../store/playgroundStore';
import { BACKEND_LABELS } from '../../experiment/backends';
import { ContestantSwatch } from '../ContestantSwatch';
import { downloadText, exportBaseName } from '../download';
import { formatLoss, formatPercent, formatSeconds } from '../format';
import { usePlayground } from '../StoreContext';
import { InstructorGate } from '../instructor/InstructorGate';

const STATUS_TEXT = { queued: 'queued', training: 'training', done: 'done', stopped: 'stopped', diverged: 'diverged' } as const;

export function ResultsTable() {
  const run = usePlayground((s) => s.run);
  if (!run) {
    return (
      <section className="panel results" aria-label="Results">
        <h2>Results</h2>
        <p>Choose optimizers and press Train. Every contestant starts from the same weights and sees the same batches.</p>
      </section>
    );
  }
  const rows = runLineup(run).map((entry) => ({ ...entry, ...entry.state }));
  const best = rows.some((r) => r.history.length) ? bestRun(rows) : undefined;
  // An opened file may name any backend: only known names are looked up.
  const backend = run.backend ? `${Object.hasOwn(BACKEND_LABELS, run.backend.name) ? BACKEND_LABELS[run.backend.name] : run.backend.name}, ${run.backend.precision}` : '–';
  return (
    <section className="panel results" aria-label="Results">
      <div className="results__head">
        <h2>Results</h2>
        <InstructorGate control="share">
          <ExportButtons run={run} />
        </InstructorGate>
      </div>
      {run.source === 'restored' && <p className="source-banner">Restored from your last visit. Press Train to start a new run.</p>}
      {run.source === 'imported' && (
        <p className="source-banner">Opened from {run.sourceName ?? 'a file'}: these results were not trained in this browser.</p>
      )}
      {/* Wider than a phone: it scrolls sideways inside this region, which the keyboard can reach and scroll. */}
      <div className="table-scroll" role="region" aria-label="Metrics per contestant" tabIndex={0}>
        <table>
          <caption>
            Network {describeNetwork(run.config.network)}
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
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const summary = summarize(row.history);
              const isBest = best?.key === row.key;
              return (
                <tr key={row.key} className={isBest ? 'best' : undefined}>
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
                  </td>
                  <td>{formatLoss(summary.finalTrainLoss)}</td>
                  <td>{formatPercent(summary.finalTrainAccuracy)}</td>
                  <td>{formatLoss(summary.finalTestLoss)}</td>
                  <td>{formatPercent(summary.finalTestAccuracy)}</td>
                  <td>{formatPercent(summary.bestTestAccuracy)}</td>
                  <td>{summary.bestEpoch ?? '–'}</td>
                  <td>{formatSeconds(summary.meanSecondsPerEpoch)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="results__note">
        {run.config.trainExamples.toLocaleString('en-US')} training examples, batch {run.config.batchSize}, seed {run.config.seed}, {run.config.epochs}{' '}
        epoch{run.config.epochs === 1 ? '' : 's'}. Trained on {backend}.
      </p>
    </section>
  );
}

function ExportButtons({ run }: { run: RunState }) {
  const ready = !isTraining(run) && Object.values(run.contestants).some((c) => c.history.length);
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
