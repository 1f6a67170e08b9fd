import { describe, expect, it } from 'vitest';
import type { Series } from './chartData';
import { dashPattern, formatX, fullXRange, plotOptions, withAlpha, yRange } from './plotOptions';

const line = (split: Series['split'], xs: number[], dash = ''): Series => ({
  key: `adam:${split}`,
  contestant: 'adam',
  split,
  label: `Adam ${split}`,
  color: '#0072B2',
  dash,
  points: xs.map((x) => ({ x, y: 1 / (x + 1) })),
});

describe('plotOptions', () => {
  it("draws a baseline's ghost lines thinner and fainter than the run's, dashed as their style says, without epoch dots", () => {
    const ghost = (split: Series['split']): Series => ({ ...line(split, [1, 2], '3 3'), key: `baseline:adam:${split}`, label: `Baseline Adam ${split}`, baseline: true });
    const spec = { title: 'Loss', kind: 'loss' as const, series: [ghost('train'), ghost('test'), line('train', [1]), line('test', [1])], xAxis: 'epochs' as const, xEnd: 5, logScale: false, formatTick: String };
    for (const presentation of [false, true]) {
      const [, ghostTrain, ghostTest, train, test] = plotOptions({ ...spec, presentation }, { width: 600, height: 300 }, () => null, {}).series;
      expect(ghostTest.width).toBeLessThan(test.width as number);
      expect(ghostTrain.width).toBeLessThan(train.width as number);
      expect(ghostTest.stroke).toBe('rgba(0, 114, 178, 0.55)');
      expect(ghostTrain.stroke).toBe('rgba(0, 114, 178, 0.35)');
      expect(ghostTest.dash!.length).toBe(2);
      expect(ghostTest.points).toMatchObject({ show: false });
      expect(test.points).toMatchObject({ show: true });
    }
  });

  it('draws a chart over its own X (the landscape\'s α): fixed range, own title and ticks, own cursor, labelled markers', () => {
    const draw = () => {};
    const customX = { title: 'α', range: [-0.25, 1.25] as [number, number], markers: [{ value: 0, label: 'θ0' }, { value: 1, label: 'trained' }] };
    const options = plotOptions(
      { title: 'Landscape', kind: 'loss', series: [line('line', [-0.25, 0, 1.25])], xAxis: 'epochs', xEnd: 0, logScale: true, formatTick: String, customX },
      { width: 600, height: 300 },
      () => null,
      { draw: [draw] },
    );
    const range = options.scales!.x.range as unknown as () => number[];
    expect(range()).toEqual([-0.25, 1.25]);
    expect(options.axes![0].label).toBe('α');
    expect((options.axes![0].values as (u: unknown, splits: number[]) => string[])(null, [-0.25, 0.5])).toEqual(['-0.25', '0.5']);
    expect(options.cursor!.sync).toMatchObject({ key: 'α' });
    expect(options.series[1]).toMatchObject({ stroke: '#0072B2', width: 2.5, points: { show: false } });
    // The markers' hook joins the caller's.
    expect(options.hooks!.draw).toHaveLength(2);
    expect(options.hooks!.draw![0]).toBe(draw);
  });

  it("draws each line in its contestant's colour and dash: test bold with dots, training thin, raw faint", () => {
    const options = plotOptions(
      { title: 'Loss', kind: 'loss', series: [line('raw', [0.5]), line('train', [0.5]), line('test', [1], '10 4 2 4')], xAxis: 'epochs', xEnd: 5, logScale: true, formatTick: String },
      { width: 600, height: 300 },
      () => null,
      {},
    );
    const [, raw, train, test] = options.series;
    expect(raw).toMatchObject({ stroke: 'rgba(0, 114, 178, 0.22)', width: 1, points: { show: false } });
    expect(train).toMatchObject({ stroke: 'rgba(0, 114, 178, 0.6)', width: 1.5 });
    expect(test).toMatchObject({ stroke: '#0072B2', width: 3, dash: [10, 4, 2, 4], points: { show: true } });
    expect(options.scales!.y.distr).toBe(3);
    expect(options.axes![0].label).toBe('epoch');
    // One cursor for all charts, synchronised by X value; dragging zooms through the store, not by itself.
    expect(options.cursor!.sync).toMatchObject({ key: 'charts', scales: ['x', null] });
    expect(options.cursor!.drag).toMatchObject({ x: true, y: false, setScale: false });
  });

  it('widens lines and enlarges the axis type in presentation mode (test lines at least 5 px, training at least 3 px)', () => {
    const spec = { title: 'Loss', kind: 'loss' as const, series: [line('raw', [0.5]), line('train', [0.5]), line('test', [1], '10 4 2 4')], xAxis: 'epochs' as const, xEnd: 5, logScale: false, formatTick: String };
    const normal = plotOptions(spec, { width: 600, height: 300 }, () => null, {});
    const present = plotOptions({ ...spec, presentation: true }, { width: 600, height: 300 }, () => null, {});
    const [, raw, train, test] = present.series;
    expect(test.width).toBeGreaterThanOrEqual(5);
    expect(train.width).toBeGreaterThanOrEqual(3);
    expect(raw.width).toBeGreaterThan(normal.series[1].width!);
    // Dashes scale with the width, so a thick dashed line still reads as dashes.
    expect(test.dash).toEqual([20, 8, 4, 8]);
    expect((test.points as { size: number }).size).toBeGreaterThan((normal.series[3].points as { size: number }).size);
    const px = (font: unknown) => Number(/(\d+)px/.exec(String(font))![1]);
    for (const [i, axis] of present.axes!.entries()) {
      expect(px(axis.font), `axis ${i} font`).toBeGreaterThanOrEqual(22);
      expect(px(axis.font)).toBeGreaterThan(px(normal.axes![i].font));
      // Room for the larger labels: axes are larger than their normal size.
      expect(axis.size).toBeGreaterThan(normal.axes![i].size as number);
      // ... and fewer ticks, further apart.
      expect(axis.space).toBeGreaterThan(normal.axes![i].space as number);
      expect(axis.stroke).toBe('#000');
    }
    expect(px(present.axes![0].labelFont)).toBeGreaterThanOrEqual(22);
  });

  it("fills a contestant's band between its upper and lower lines, whose edges are not drawn", () => {
    const options = plotOptions(
      { title: 'Loss', kind: 'loss', series: [line('test', [1, 2]), line('upper', [1, 2]), line('lower', [1, 2])], xAxis: 'epochs', xEnd: 5, logScale: false, formatTick: String },
      { width: 600, height: 300 },
      () => null,
      {},
    );
    expect(options.bands).toEqual([{ series: [2, 3], fill: 'rgba(0, 114, 178, 0.15)' }]);
    expect(options.series[2]).toMatchObject({ width: 0 });
  });

  it('reads the zoom at every ranging, so a zoom needs no new chart', () => {
    let zoom: [number, number] | null = null;
    const options = plotOptions({ title: 'Loss', kind: 'loss', series: [line('test', [1, 2])], xAxis: 'epochs', xEnd: 5, logScale: false, formatTick: String }, { width: 1, height: 1 }, () => zoom, {});
    const range = options.scales!.x.range as () => [number, number];
    expect(range()).toEqual([1, 5]);
    zoom = [2, 3];
    expect(range()).toEqual([2, 3]);
  });
});

describe('axis ranges', () => {
  it('starts epochs at the first epoch for epoch points only, at 0 once live points exist, and examples at 0', () => {
    expect(fullXRange([line('test', [1, 2])], 'epochs', 5)).toEqual([1, 5]);
    expect(fullXRange([line('train', [0.25, 0.5]), line('test', [1])], 'epochs', 5)).toEqual([0, 5]);
    expect(fullXRange([line('test', [1])], 'epochs', 1)).toEqual([1, 2]);
    expect(fullXRange([line('test', [6000])], 'examples', 30_000)).toEqual([0, 30_000]);
    // Seconds have no planned end: the last point.
    expect(fullXRange([line('test', [3.5])], 'seconds', 0)).toEqual([0, 3.5]);
    expect(fullXRange([], 'seconds', 0)).toEqual([0, 1]);
  });

  it('runs loss from zero, accuracy to 100 %, a log axis over whole decades, and fits the points when zoomed', () => {
    expect(yRange('loss', false, false, 0.3, 2.31)[0]).toBe(0);
    expect(yRange('loss', false, false, 0.3, 2.31)[1]).toBeGreaterThanOrEqual(2.31);
    expect(yRange('loss', false, true, 0.3, 0.4)[0]).toBeGreaterThan(0.2);
    const [low, high] = yRange('accuracy', false, false, 0.11, 0.97);
    expect(high).toBe(1);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(low).toBeLessThanOrEqual(0.11);
    expect(yRange('accuracy', false, true, 0.95, 0.97)[0]).toBeGreaterThan(0.9);
    expect(yRange('loss', true, false, 0.05, 2.3)).toEqual([0.01, 10]);
    expect(yRange('accuracy', false, false, null, null)).toEqual([0, 1]);
  });
});

describe('formatting', () => {
  it('labels X ticks by the axis, and turns colours and dashes into canvas terms', () => {
    expect(formatX('epochs', 2.5)).toBe('2.5');
    expect(formatX('examples', 240_000)).toBe('240K');
    expect(formatX('seconds', 12.345)).toBe('12.3 s');
    expect(withAlpha('#D55E00', 0.5)).toBe('rgba(213, 94, 0, 0.5)');
    expect(withAlpha('#D55E00', 1)).toBe('#D55E00');
    expect(dashPattern('10 4 2 4')).toEqual([10, 4, 2, 4]);
    expect(dashPattern('')).toEqual([]);
  });
});
