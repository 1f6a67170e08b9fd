// FROZEN COPY of src/ui/charts/chartGeometry.ts as of commit ccc7424, the chart
// benchmark's baseline ("today's drawing"). Do not update it with the app: the app's
// charts are being rewritten, and the baseline must stay what was measured.
/**
 * Scales, ticks and paths for the metric charts: plain functions, so the drawing
 * component stays a thin layer of SVG and every number it draws is unit-tested.
 */

export interface Point {
  x: number;
  y: number;
}

export type Domain = readonly [number, number];

export interface Scale {
  (value: number): number;
  domain: Domain;
  log: boolean;
}

/** Maps `domain` onto `range` (pixels), linearly or in log10 (positive domains only). */
export function createScale(domain: Domain, range: Domain, log = false): Scale {
  const f = log ? Math.log10 : (v: number) => v;
  const [d0, d1] = [f(domain[0]), f(domain[1])];
  const span = d1 - d0 || 1;
  const scale = ((value: number) => range[0] + ((f(value) - d0) / span) * (range[1] - range[0])) as Scale;
  scale.domain = domain;
  scale.log = log;
  return scale;
}

/** The 1, 2 or 5 times a power of ten nearest to `roughStep` from above. */
function niceStep(roughStep: number): number {
  const power = 10 ** Math.floor(Math.log10(roughStep));
  const fraction = roughStep / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/**
 * Round tick values covering [min, max] with about `count` ticks; the domain widens
 * to the outer ticks so lines never touch the frame at an odd value.
 */
export function niceLinearTicks(min: number, max: number, count = 6): { domain: Domain; ticks: number[] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { domain: [0, 1], ticks: [0, 0.5, 1] };
  if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
    // A flat line: give it some room around its value.
    const pad = Math.abs(max) >= 1e-9 ? Math.abs(max) * 0.05 : 0.5;
    return niceLinearTicks(min - pad, max + pad, count);
  }
  const step = niceStep((max - min) / Math.max(1, count - 1));
  const start = Math.floor(min / step + 1e-9) * step;
  const end = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  // Rounded to the step's decimals, so 0.30000000000000004 prints as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let v = start; v <= end + step / 2; v += step) ticks.push(Number(v.toFixed(decimals)));
  return { domain: [Math.min(ticks[0], min), Math.max(ticks[ticks.length - 1], max)], ticks };
}

/** Powers of ten covering [min, max] (both > 0); with fewer than three, the 2s and 5s too. */
export function logTicks(min: number, max: number): { domain: Domain; ticks: number[] } {
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  const top = high === low ? high + 1 : high;
  // Parsed from decimal notation: 10 ** -4 is 0.00009999999999999999 in floating point.
  const decimal = (mantissa: number, exponent: number) => Number(`${mantissa}e${exponent}`);
  const ticks: number[] = [];
  for (let p = low; p <= top; p++) {
    ticks.push(decimal(1, p));
    if (top - low < 3 && p < top) ticks.push(decimal(2, p), decimal(5, p));
  }
  return { domain: [decimal(1, low), decimal(1, top)], ticks };
}

/** Integer epochs from `first` to `last`, thinned to at most `maxTicks`. */
export function epochTicks(first: number, last: number, maxTicks = 10): number[] {
  const step = Math.max(1, Math.ceil((last - first) / maxTicks));
  const ticks: number[] = [];
  for (let e = first; e <= last; e += step) ticks.push(e);
  return ticks;
}

/**
 * An SVG path through the points in order. A non-finite value (or a non-positive
 * one on a log scale) breaks the line instead of drawing it to infinity.
 */
export function linePath(points: readonly Point[], x: Scale, y: Scale): string {
  let path = '';
  let penDown = false;
  for (const p of points) {
    const drawable = Number.isFinite(p.x) && Number.isFinite(p.y) && (!y.log || p.y > 0);
    if (!drawable) {
      penDown = false;
      continue;
    }
    path += `${penDown ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`;
    penDown = true;
  }
  return path;
}

/** The point nearest to `x` along the x axis, if any. */
export function nearestPoint(points: readonly Point[], x: number): Point | undefined {
  let best: Point | undefined;
  for (const p of points) if (!best || Math.abs(p.x - x) < Math.abs(best.x - x)) best = p;
  return best;
}
