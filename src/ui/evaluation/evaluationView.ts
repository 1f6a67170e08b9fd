/**
 * What the evaluation panel shows, computed from an evaluation: the confusion matrix's
 * colours (d3's sequential Blues on a symmetric-log scale, so that the few errors off
 * the diagonal are visible beside its thousands) with text that meets WCAG AA on every
 * background, the cells' names, per-class accuracy and the top probabilities as text.
 */
import { scaleSequentialSymlog } from 'd3-scale';
import { interpolateBlues } from 'd3-scale-chromatic';
import type { DigitProbability } from '../../train/protocol';

export const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

/** Background colour of a cell by its count; the darkest blue is the largest count. */
export function confusionColorScale(maxCount: number): (count: number) => string {
  return scaleSequentialSymlog(interpolateBlues).domain([0, Math.max(1, maxCount)]);
}

/** The sRGB channels of a colour written `rgb(r, g, b)` (d3's interpolators) or `#rrggbb`. */
export function parseColor(color: string): [number, number, number] {
  const rgb = /^rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\s*\)$/.exec(color);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  throw new Error(`Unreadable colour ${color}.`);
}

/** WCAG 2.1 relative luminance. */
export function relativeLuminance(color: string): number {
  const [r, g, b] = parseColor(color).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.1 contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** Black or white, whichever contrasts more with `background` (at least 4.58:1 for any colour). */
export function textColorOn(background: string): '#000000' | '#ffffff' {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

/**
 * A cell's accessible name and tooltip. The count is written as the cell shows it (no
 * thousands separator), so the name contains the visible text (WCAG 2.5.3, label in name).
 */
export function cellLabel(trueDigit: number, predicted: number, count: number): string {
  return `True ${trueDigit}, predicted ${predicted}: ${count} example${count === 1 ? '' : 's'}`;
}

export interface ClassAccuracy {
  digit: number;
  correct: number;
  total: number;
  /** NaN when the test set has no example of the digit. */
  accuracy: number;
}

/** Per true class: the share of its examples predicted as itself (the row's diagonal over the row). */
export function perClassAccuracy(confusion: readonly number[]): ClassAccuracy[] {
  return DIGITS.map((digit) => {
    const row = confusion.slice(digit * 10, digit * 10 + 10);
    const total = row.reduce((a, b) => a + b, 0);
    const correct = row[digit];
    return { digit, correct, total, accuracy: total ? correct / total : NaN };
  });
}

export const diagonalTotal = (confusion: readonly number[]) => DIGITS.reduce<number>((sum, d) => sum + confusion[d * 11], 0);

/** A probability as a whole percentage; "<1 %" for a small but nonzero one. */
export function formatProbability(p: number): string {
  const percent = Math.round(p * 100);
  return percent === 0 && p > 0 ? '<1 %' : `${percent} %`;
}

/** "9 62 %, 4 30 %, 7 5 %". */
export const formatTop = (top: readonly DigitProbability[]) => top.map(({ digit, probability }) => `${digit} ${formatProbability(probability)}`).join(', ');

/** The digits by probability, most probable first (ties: the lower digit). */
export function rankDigits(probabilities: readonly number[], k = 3): DigitProbability[] {
  return probabilities
    .map((probability, digit) => ({ digit, probability }))
    .sort((a, b) => b.probability - a.probability || a.digit - b.digit)
    .slice(0, k);
}
