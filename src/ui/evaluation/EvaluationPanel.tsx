import { useMemo } from 'react';
import { evaluationAvailability, type LineupEntry } from '../../store/playgroundStore';
import { formatPercent } from '../format';
import { ContestantSelect } from '../ContestantSelect';
import { usePlayground } from '../StoreContext';
import { ConfusionMatrix } from './ConfusionMatrix';
import { DigitPad } from './DigitPad';
import { MisclassifiedGallery } from './MisclassifiedGallery';
import { PerClassAccuracy } from './PerClassAccuracy';

/**
 * Evaluation of a finished contestant of a run trained here: its confusion matrix,
 * per-class accuracy and worst mistakes on the test set, computed on request by the
 * worker that holds its weights; and a pad to draw a digit for every contestant to read.
 */
export function EvaluationPanel() {
  const run = usePlayground((s) => s.run);
  const availability = useMemo(() => evaluationAvailability(run), [run]);
  return (
    <section className="panel evaluation" aria-label="Evaluation">
      <h2>Evaluation</h2>
      {availability.available && run && run.config.seeds > 1 && (
        <p className="evaluation__seeds">
          This run trained every contestant from {run.config.seeds} seeds. Evaluation and drawn digits use each contestant&apos;s first seed ({run.config.seed}), whose
          final weights the workers keep; the others&apos; numbers are in the charts and the table.
        </p>
      )}
      {availability.available ? <EvaluationBody contestants={availability.contestants} /> : <p className="evaluation__why">{availability.reason}</p>}
    </section>
  );
}

function EvaluationBody({ contestants }: { contestants: LineupEntry[] }) {
  const runId = usePlayground((s) => s.run?.id);
  const evaluation = usePlayground((s) => (s.evaluation?.runId === runId ? s.evaluation : undefined));
  const select = usePlayground((s) => s.selectEvaluation);
  const selected = contestants.find((c) => c.key === evaluation?.selected) ?? contestants[0];
  const entry = evaluation && Object.hasOwn(evaluation.entries, selected.key) ? evaluation.entries[selected.key] : undefined;
  // Once one evaluation was asked for, choosing another contestant shows it at once.
  const asked = evaluation !== undefined && Object.keys(evaluation.entries).length > 0;

  return (
    <>
      <div className="evaluation__controls">
        <ContestantSelect label="Contestant" contestants={contestants} value={selected.key} onChange={(key) => select(key, asked)} />
        <button type="button" onClick={() => select(selected.key, true)} disabled={entry?.status === 'loading'}>
          Evaluate
        </button>
      </div>
      <p role="status" className="evaluation__status">
        {entry?.status === 'loading' && `Evaluating ${selected.name} on the test set…`}
        {entry?.status === 'ready' &&
          `${selected.name}: ${entry.result.correct.toLocaleString('en-US')} of ${entry.result.testCount.toLocaleString('en-US')} test digits right (${formatPercent(entry.result.correct / entry.result.testCount)}), evaluated in ${entry.result.seconds.toFixed(2)} s.`}
        {entry?.status === 'failed' && entry.message}
        {!entry && `Press Evaluate to see where ${selected.name} goes wrong on the test set.`}
      </p>
      {entry?.status === 'ready' && (
        <div className="evaluation__result">
          <ConfusionMatrix confusion={entry.result.confusion} name={selected.name} />
          <PerClassAccuracy confusion={entry.result.confusion} />
          <MisclassifiedGallery examples={entry.result.misclassified} mistakes={entry.result.testCount - entry.result.correct} />
        </div>
      )}
      <DigitPad contestants={contestants} />
    </>
  );
}
