/**
 * "Inside the optimizers" as the panel draws it: per chart and Dense layer, one line
 * per contestant (its first seed's samples) on the charts' X axis, and the latest
 * sample of each as a table row. Pure, so it is tested without a canvas.
 */
import { insideSlots, updateRatio, type InsideSample, type LayerInside } from '../../experiment/optimizerInsides';
import type { XAxis } from '../../experiment/view';
import type { LineupEntry } from '../../store/playgroundStore';
import type { Point, Series } from '../charts/chartData';
import { formatX } from '../charts/plotOptions';

export type InsideChart = 'ratio' | 'gradient' | 'update' | 'state';

/** The charts, in the panel's order: the effective step size first, as it shows both puzzles. */
export const INSIDE_CHARTS: readonly { id: InsideChart; title: string; note: string }[] = [
  { id: 'ratio', title: 'Update-to-weight ratio', note: '‖Δw‖ / ‖w‖ of one step: the effective step size' },
  { id: 'gradient', title: 'Gradient norm', note: '‖g‖ of the loss, before any clipping' },
  { id: 'update', title: 'Update norm', note: '‖Δw‖: how far one step moves the layer' },
  { id: 'state', title: 'Optimizer state', note: 'each slot summed up, and the learning rate after any schedule' },
];

const LAYER_FIGURES: Record<Exclude<InsideChart, 'state'>, (layer: LayerInside) => number> = {
  ratio: updateRatio,
  gradient: (layer) => layer.gradientNorm,
  update: (layer) => layer.updateNorm,
};

function xOf(sample: InsideSample, xAxis: XAxis, trainExamples: number): number {
  return xAxis === 'examples' ? sample.position * trainExamples : xAxis === 'seconds' ? sample.seconds : sample.position;
}

/** A log axis shows only positive values. */
const positive = (points: Point[]) => points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.y > 0);

/**
 * One chart's lines for `layer`: a line per shown contestant, or, for the optimizer's state,
 * one per slot (the first bold, the others thinner) and its learning rate (thinnest).
 */
export function insideSeries(lineup: readonly LineupEntry[], chart: InsideChart, layer: number, xAxis: XAxis, trainExamples: number, hidden: readonly string[]): Series[] {
  return lineup
    .filter((entry) => !hidden.includes(entry.key))
    .flatMap(({ key, name, style, contestant, state }) => {
      const samples = (state.inside ?? []).filter((s) => s.layers[layer]);
      const line = (suffix: string, label: string, split: Series['split'], y: (s: InsideSample) => number): Series => ({
        key: `${key}:${suffix}`,
        contestant: key,
        split,
        label,
        color: style.color,
        dash: style.dash,
        points: positive(samples.map((s) => ({ x: xOf(s, xAxis, trainExamples), y: y(s) }))),
      });
      if (chart !== 'state') return [line(chart, name, 'rate', (s) => LAYER_FIGURES[chart](s.layers[layer]))];
      const slots = insideSlots(contestant.optimizer, contestant.hyperparameters);
      return [
        ...slots.map((slot, i) => line(`slot-${slot.name}`, `${name} ${slot.label}`, i === 0 ? 'rate' : 'train', (s) => s.layers[layer].slots[i])),
        line('lr', `${name} learning rate`, 'raw', (s) => s.learningRate),
      ];
    });
}

/** One contestant's latest sample for a layer, as the table shows it. */
export interface InsideRow {
  key: string;
  name: string;
  style: LineupEntry['style'];
  /** Epochs done at the sample. */
  position: number;
  learningRate: number;
  layer: LayerInside;
  ratio: number;
  /** Each slot's label and value. */
  slots: { label: string; value: number }[];
}

export function latestRows(lineup: readonly LineupEntry[], layer: number): InsideRow[] {
  return lineup.flatMap(({ key, name, style, contestant, state }) => {
    const sample = state.inside?.at(-1);
    const figures = sample?.layers[layer];
    if (!sample || !figures) return [];
    const slots = insideSlots(contestant.optimizer, contestant.hyperparameters).map((slot, i) => ({ label: slot.label, value: figures.slots[i] }));
    return [{ key, name, style, position: sample.position, learningRate: sample.learningRate, layer: figures, ratio: updateRatio(figures), slots }];
  });
}

/** Three significant digits in scientific notation: the figures span many decades. */
export const formatFigure = (value: number) => (Number.isFinite(value) ? (value === 0 ? '0' : value.toExponential(2)) : '–');

/** A chart in one sentence per line: its latest value and where. */
export function insideSummary(title: string, layerName: string, series: readonly Series[], xAxis: XAxis): string {
  const drawn = series.filter((s) => s.points.length);
  if (!drawn.length) return `${title}, ${layerName}: no sample yet.`;
  return `${title}, ${layerName}, log axis. ${drawn
    .map((s) => {
      const last = s.points.at(-1)!;
      return `${s.label}: ${formatFigure(last.y)} at ${formatX(xAxis, last.x)}`;
    })
    .join('; ')}.`;
}
