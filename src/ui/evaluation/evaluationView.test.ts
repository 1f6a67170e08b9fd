import { describe, expect, it } from 'vitest';
import { cellLabel, confusionColorScale, contrastRatio, diagonalTotal, formatProbability, formatTop, parseColor, perClassAccuracy, rankDigits, textColorOn } from './evaluationView';

describe('confusion matrix colours', () => {
  it('runs from near-white at 0 to dark blue at the largest count, errors of a few clearly tinted', () => {
    const color = confusionColorScale(1000);
    const [r0] = parseColor(color(0));
    const [r1] = parseColor(color(1000));
    expect(r0).toBeGreaterThan(240);
    expect(r1).toBeLessThan(20);
    // On a linear scale 5 of 1,000 would be all but white; the symmetric log makes it visible.
    expect(contrastRatio(color(5), color(0))).toBeGreaterThan(1.3);
    // Monotonic: more examples, darker.
    const luminance = [0, 1, 3, 10, 30, 100, 300, 1000].map((c) => contrastRatio(color(c), '#ffffff'));
    expect(luminance).toEqual([...luminance].sort((a, b) => a - b));
  });

  it('puts text of at least WCAG AA contrast (4.5:1) on every count of any matrix', () => {
    for (const max of [1, 9, 120, 1135, 10_000]) {
      const color = confusionColorScale(max);
      for (let count = 0; count <= max; count += Math.max(1, Math.floor(max / 500))) {
        const background = color(count);
        expect(contrastRatio(textColorOn(background), background), `${count} of ${max}`).toBeGreaterThanOrEqual(4.5);
      }
    }
    expect(textColorOn('#ffffff')).toBe('#000000');
    expect(textColorOn('#08306b')).toBe('#ffffff');
  });

  it('reads both colour notations and refuses others', () => {
    expect(parseColor('rgb(8, 48, 107)')).toEqual([8, 48, 107]);
    expect(parseColor('#08306B')).toEqual([8, 48, 107]);
    expect(() => parseColor('blue')).toThrow(/Unreadable/);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });
});

describe('evaluation text', () => {
  it('names a cell by its true digit, prediction and count', () => {
    expect(cellLabel(4, 9, 23)).toBe('True 4, predicted 9: 23 examples');
    expect(cellLabel(1, 1, 1)).toBe('True 1, predicted 1: 1 example');
    // As the cell shows it: the name contains the visible text.
    expect(cellLabel(0, 0, 1130)).toBe('True 0, predicted 0: 1130 examples');
  });

  it('computes per-class accuracy from the rows, and the diagonal', () => {
    const confusion = new Array<number>(100).fill(0);
    confusion[0] = 90;
    confusion[7] = 10;
    confusion[4 * 10 + 9] = 5;
    confusion[4 * 11] = 15;
    const classes = perClassAccuracy(confusion);
    expect(classes[0]).toEqual({ digit: 0, correct: 90, total: 100, accuracy: 0.9 });
    expect(classes[4]).toEqual({ digit: 4, correct: 15, total: 20, accuracy: 0.75 });
    expect(classes[5].accuracy).toBeNaN();
    expect(diagonalTotal(confusion)).toBe(105);
  });

  it('writes probabilities as whole percentages, the top ones in order', () => {
    expect(formatTop([{ digit: 9, probability: 0.6213 }, { digit: 4, probability: 0.3 }, { digit: 7, probability: 0.004 }])).toBe('9 62 %, 4 30 %, 7 <1 %');
    expect(formatProbability(0)).toBe('0 %');
    expect(rankDigits([0.1, 0.2, 0.2, 0.5, 0, 0, 0, 0, 0, 0])).toEqual([
      { digit: 3, probability: 0.5 },
      { digit: 1, probability: 0.2 },
      { digit: 2, probability: 0.2 },
    ]);
  });
});
