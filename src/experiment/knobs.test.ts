import { describe, expect, it } from 'vitest';
import { clipGradients64, decayWeights64, keepOneClip, knobProblem, knobsOf } from './knobs';
import { optimizerDefaults } from './optimizers';

const arrays = (...values: number[][]) => values.map((v) => Float64Array.from(v));
const off = { weightDecay: 0, clipNorm: 0, clipValue: 0, globalClipNorm: 0 };

describe("Keras's shared knobs in float64, against values worked by hand", () => {
  it('clip norm rescales each variable to the clip norm when longer, and leaves shorter ones', () => {
    // |(3, 4)| = 5 > 1: scaled by 1/5; |(0.3, 0.4)| = 0.5 < 1: kept; a zero gradient stays zero.
    const [a, b, c] = clipGradients64(arrays([3, 4], [0.3, 0.4], [0, 0]), knobsOf({ ...off, clipNorm: 1 }));
    expect(Array.from(a)).toEqual([0.6, 0.8]);
    expect(Array.from(b)).toEqual([0.3, 0.4]);
    expect(Array.from(c)).toEqual([0, 0]);
  });

  it('global clip norm rescales all variables by one factor, their joint length over the clip', () => {
    // Joint length √(9 + 16 + 144) = 13 > 2.6: every element times 2.6/13 = 0.2.
    const [a, b] = clipGradients64(arrays([3, 4], [12]), knobsOf({ ...off, globalClipNorm: 2.6 }));
    expect(Array.from(a).map((x) => +x.toFixed(12))).toEqual([0.6, 0.8]);
    expect(+b[0].toFixed(12)).toBe(2.4);
    // Shorter than the clip: unchanged; not finite: NaN everywhere, as Keras.
    expect(Array.from(clipGradients64(arrays([0.3, 0.4]), knobsOf({ ...off, globalClipNorm: 1 }))[0])).toEqual([0.3, 0.4]);
    expect(Number.isNaN(clipGradients64(arrays([Infinity, 1]), knobsOf({ ...off, globalClipNorm: 1 }))[0][1])).toBe(true);
  });

  it('clip value clamps each element', () => {
    expect(Array.from(clipGradients64(arrays([-3, 0.2, 7]), knobsOf({ ...off, clipValue: 0.5 }))[0])).toEqual([-0.5, 0.2, 0.5]);
  });

  it('weight decay takes w·wd·lr off every weight', () => {
    const w = Float64Array.from([2, -4]);
    decayWeights64(w, 0.1, 0.5);
    expect(Array.from(w)).toEqual([2 - 2 * 0.1 * 0.5, -4 + 4 * 0.1 * 0.5]);
  });

  it('is off by default for every optimizer but AdamW, whose weight decay is 0.004 as in Keras', () => {
    expect(knobsOf(optimizerDefaults('adam'))).toEqual({ weightDecay: 0, clip: 'none', clipAmount: 0 });
    expect(knobsOf(optimizerDefaults('adamw'))).toEqual({ weightDecay: 0.004, clip: 'none', clipAmount: 0 });
  });

  it('allows one kind of clipping, as Keras; keeps the first in Keras\'s order', () => {
    expect(knobProblem({ ...off, clipValue: 1 })).toBeUndefined();
    expect(knobProblem({ ...off, clipValue: 1, globalClipNorm: 2 })).toBe('only one of Clip norm, Global clip norm, Clip value can be set (as in Keras); Global clip norm and Clip value are.');
    expect(keepOneClip({ ...off, clipValue: 1, globalClipNorm: 2 })).toEqual({ params: { ...off, globalClipNorm: 2 }, dropped: ['Clip value'] });
    expect(knobsOf({ ...off, clipValue: 1, globalClipNorm: 2 }).clip).toBe('global');
  });
});
