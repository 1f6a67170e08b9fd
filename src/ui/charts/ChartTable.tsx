import type { AveragedEntry } from '../../store/playgroundStore';
import type { ViewOptions } from '../../experiment/view';
import { formatCount } from '../format';
import { ContestantSwatch } from '../ContestantSwatch';
import type { MetricPair } from './chartData';

interface Props {
  title: string;
  /** With several seeds, each contestant's mean over them. */
  lineup: readonly AveragedEntry[];
  /** A pinned baseline's contestants (averaged likewise): columns of their own after the run's ("Baseline Adam"). */
  baseline?: readonly AveragedEntry[];
  metric: MetricPair;
  view: ViewOptions;
  trainExamples: number;
  format(value: number): string;
}

/**
 * The chart as a table, for screen readers and for reading exact values: one row per
 * epoch, a test column (and a training column when training curves are shown) for each
 * contestant the legend shows. Live per-batch points stay in the chart: a row per batch
 * would be thousands of rows.
 */
export function ChartTable({ title, lineup, baseline = [], metric, view, trainExamples, format }: Props) {
  const visible = (entries: readonly AveragedEntry[]) => entries.filter((entry) => !view.hidden.includes(entry.key));
  const total = lineup.length + baseline.length;
  const shown = [...visible(lineup), ...visible(baseline).map((entry) => ({ ...entry, key: `baseline:${entry.key}`, name: `Baseline ${entry.name}` }))];
  const epochs = [...new Set(shown.flatMap((entry) => entry.state.history.map((m) => m.epoch)))].sort((a, b) => a - b);
  const cell = (entry: AveragedEntry, epoch: number, key: MetricPair['test']) => {
    const value = entry.state.history.find((m) => m.epoch === epoch)?.[key];
    return value === undefined ? '–' : format(value);
  };
  return (
    // Focusable, so keyboard users can scroll a wide table.
    <div className="table-scroll chart-table" role="region" aria-label={`${title} values`} tabIndex={0}>
      <table>
        <caption>
          {title} by epoch{shown.length < total ? ` (${total - shown.length} hidden in the legend)` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Epoch</th>
            {view.xAxis === 'examples' && <th scope="col">Examples seen</th>}
            {shown.map((entry) => (
              <th scope="colgroup" colSpan={view.showTrain ? 2 : 1} key={entry.key}>
                <ContestantSwatch style={entry.style} /> {entry.name}
              </th>
            ))}
          </tr>
          <tr>
            <td />
            {view.xAxis === 'examples' && <td />}
            {shown.map((entry) => [
              <th scope="col" key={`${entry.key}:test`}>
                test
              </th>,
              view.showTrain && (
                <th scope="col" key={`${entry.key}:train`}>
                  train
                </th>
              ),
            ])}
          </tr>
        </thead>
        <tbody>
          {epochs.length === 0 && (
            <tr>
              <td colSpan={1 + shown.length * (view.showTrain ? 2 : 1)}>No finished epoch yet.</td>
            </tr>
          )}
          {epochs.map((epoch) => (
            <tr key={epoch}>
              <th scope="row">{epoch}</th>
              {view.xAxis === 'examples' && <td>{formatCount(epoch * trainExamples)}</td>}
              {shown.map((entry) => [
                <td key={`${entry.key}:test`}>{cell(entry, epoch, metric.test)}</td>,
                view.showTrain && <td key={`${entry.key}:train`}>{cell(entry, epoch, metric.train)}</td>,
              ])}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
