import type { ContestantStyle } from '../../experiment/contestants';
import { X_AXIS_TITLES, type ViewOptions } from '../../experiment/view';
import { BASELINE_DASH, BASELINE_GREY } from '../../store/playgroundStore';

export interface LegendItem {
  label: string;
  color: string;
  dash: string;
}

/** The PNG's legend: the contestants the chart shows, then the pinned baseline's ghost lines, named. */
export function pngLegend(lineup: readonly { key: string; name: string; style: ContestantStyle }[], hidden: readonly string[], baseline?: string): LegendItem[] {
  const items = lineup.filter((entry) => !hidden.includes(entry.key)).map(({ name, style }) => ({ label: name, color: style.color, dash: style.dash }));
  return baseline ? [...items, { label: `Baseline: ${baseline} (faint dashed lines)`, color: BASELINE_GREY, dash: BASELINE_DASH }] : items;
}

/** The view options a PNG must state so it can be read on its own: smoothing, X axis, log axis, zoom. */
export function describeView(view: ViewOptions, kind: 'loss' | 'accuracy'): string {
  const parts = [`x: ${X_AXIS_TITLES[view.xAxis]}`];
  if (view.showTrain) parts.push(`training curves smoothed ${view.smoothing.toFixed(2)}`);
  if (kind === 'loss' && view.logLoss) parts.push('log scale');
  if (view.zoom) parts.push(`zoomed to ${Number(view.zoom[0].toPrecision(4))}–${Number(view.zoom[1].toPrecision(4))}`);
  return parts.join(' · ');
}

/**
 * A chart's canvas as a PNG for slides: on white, with the title, what the view shows
 * (smoothing, axis, zoom) and the legend of the contestants drawn, at the canvas's own
 * resolution (uPlot draws at the screen's pixel ratio).
 */
export async function chartToPng(canvas: HTMLCanvasElement, title: string, subtitle: string, legend: readonly LegendItem[]): Promise<Blob> {
  const pixelRatio = canvas.width / Math.max(1, canvas.clientWidth || canvas.width);
  const width = canvas.width / pixelRatio;
  const height = canvas.height / pixelRatio;
  // At least 2x, crisp on slides.
  const scale = Math.max(2, pixelRatio);
  const titleHeight = 52;
  const legendRowHeight = 24;
  const measure = document.createElement('canvas').getContext('2d');
  if (!measure) throw new Error('This browser cannot draw the chart image.');
  measure.font = '600 14px system-ui, sans-serif';
  // Legend entries wrap onto as many rows as the chart's width needs.
  const rows: { label: string; color: string; dash: string; x: number }[][] = [[]];
  let x = 12;
  for (const item of legend) {
    const itemWidth = 38 + measure.measureText(item.label).width;
    if (x + itemWidth > width - 12 && rows.at(-1)!.length) {
      rows.push([]);
      x = 12;
    }
    rows.at(-1)!.push({ ...item, x });
    x += itemWidth + 10;
  }
  const output = document.createElement('canvas');
  output.width = Math.ceil(width * scale);
  output.height = Math.ceil((titleHeight + height + rows.length * legendRowHeight + 8) * scale);
  const context = output.getContext('2d');
  if (!context) throw new Error('This browser cannot draw the chart image.');
  context.scale(scale, scale);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, output.height / scale);
  context.fillStyle = '#111111';
  context.font = 'bold 18px system-ui, sans-serif';
  context.fillText(title, 12, 22);
  context.font = '13px system-ui, sans-serif';
  context.fillStyle = '#333333';
  context.fillText(subtitle, 12, 42);
  context.drawImage(canvas, 0, titleHeight, width, height);
  context.font = '600 14px system-ui, sans-serif';
  rows.forEach((row, r) => {
    const y = titleHeight + height + 16 + r * legendRowHeight;
    for (const item of row) {
      // A line sample in the contestant's colour and dash, as in the chart.
      context.strokeStyle = item.color;
      context.lineWidth = 3;
      context.setLineDash(item.dash ? item.dash.split(' ').map(Number) : []);
      context.beginPath();
      context.moveTo(item.x, y - 5);
      context.lineTo(item.x + 24, y - 5);
      context.stroke();
      context.setLineDash([]);
      context.fillStyle = '#111111';
      context.fillText(item.label, item.x + 30, y);
    }
  });
  return new Promise((resolve, reject) => output.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed.'))), 'image/png'));
}
