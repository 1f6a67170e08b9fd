import { describe, expect, it } from 'vitest';
import { contestantStyle } from '../../experiment/contestants';
import { optimizerDefaults } from '../../experiment/optimizers';
import type { InsideSample } from '../../experiment/optimizerInsides';
import type { LineupEntry } from '../../store/playgroundStore';
import { insideSeries, insideSummary, latestRows } from './insideView';

const sample = (position: number, ratio: number, slots: number[]): InsideSample => ({
  position,
  seconds: position * 2,
  learningRate: 0.001,
  layers: [
    { gradientNorm: 1, updateNorm: ratio * 10, weightNorm: 10, slots },
    { gradientNorm: 2, updateNorm: 0, weightNorm: 3, slots },
  ],
});

function entry(key: string, optimizer: 'adam' | 'sgd', index: number, inside: InsideSample[]): LineupEntry {
  const contestant = { optimizer, ordinal: 1, selected: true, hyperparameters: optimizerDefaults(optimizer) };
  const state = { status: 'training' as const, history: [], inside };
  return { key, name: optimizer === 'adam' ? 'Adam' : 'SGD', contestant, style: contestantStyle(index), state, seeds: [{ seed: 42, id: key, state }] };
}

const lineup = [entry('adam', 'adam', 0, [sample(0.1, 1e-3, [0.5, 0.02]), sample(0.2, 2e-3, [0.4, 0.03])]), entry('sgd', 'sgd', 1, [sample(0.1, 1e-4, [])])];

describe('insideSeries', () => {
  it('draws a line per shown contestant of the chosen layer, on the X axis chosen', () => {
    const ratio = insideSeries(lineup, 'ratio', 0, 'epochs', 60000, []);
    expect(ratio.map((s) => [s.label, s.points])).toEqual([
      ['Adam', [{ x: 0.1, y: 1e-3 }, { x: 0.2, y: 2e-3 }]],
      ['SGD', [{ x: 0.1, y: 1e-4 }]],
    ]);
    expect(ratio[0].color).toBe(contestantStyle(0).color);
    expect(insideSeries(lineup, 'gradient', 1, 'examples', 60000, ['sgd']).map((s) => s.points)).toEqual([[{ x: 6000, y: 2 }, { x: 12000, y: 2 }]]);
    expect(insideSeries(lineup, 'gradient', 0, 'seconds', 60000, ['sgd'])[0].points.map((p) => p.x)).toEqual([0.2, 0.4]);
    // A log axis: zeros (an update of nothing) are left out.
    expect(insideSeries(lineup, 'update', 1, 'epochs', 60000, []).every((s) => s.points.length === 0)).toBe(true);
  });

  it("draws the optimizer's state: each slot by its summary's name, and the learning rate", () => {
    const state = insideSeries(lineup, 'state', 0, 'epochs', 60000, []);
    expect(state.map((s) => s.label)).toEqual(['Adam mean |m|', 'Adam mean √v', 'Adam learning rate', 'SGD learning rate']);
    expect(state[1].points).toEqual([{ x: 0.1, y: 0.02 }, { x: 0.2, y: 0.03 }]);
    expect(insideSummary('Optimizer state', 'Layer 1', state, 'epochs')).toBe(
      'Optimizer state, Layer 1, log axis. Adam mean |m|: 4.00e-1 at 0.2; Adam mean √v: 3.00e-2 at 0.2; Adam learning rate: 1.00e-3 at 0.2; SGD learning rate: 1.00e-3 at 0.1.',
    );
    expect(insideSummary('Gradient norm', 'Layer 1', [], 'epochs')).toBe('Gradient norm, Layer 1: no sample yet.');
  });
});

describe('latestRows', () => {
  it("gives each contestant's latest sample of the layer, with its slots named", () => {
    const rows = latestRows(lineup, 0);
    expect(rows.map((r) => [r.name, r.position, r.ratio, r.slots])).toEqual([
      ['Adam', 0.2, 2e-3, [{ label: 'mean |m|', value: 0.4 }, { label: 'mean √v', value: 0.03 }]],
      ['SGD', 0.1, 1e-4, []],
    ]);
    expect(latestRows([entry('adam', 'adam', 0, [])], 0)).toEqual([]);
  });
});
