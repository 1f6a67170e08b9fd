/**
 * Results over several seeds: each contestant's mean with its spread (sample standard
 * deviation or min-max) per epoch and along the live curve, and the sentence under the
 * table that compares the top two as a careful scientist would. Pure; no library here
 * has a Student's t distribution (experiment/ imports only zod), so Welch's test and the
 * incomplete beta function behind its p-value are written out below and tested against
 * published values.
 */
import type { EpochMetrics } from './metrics';

/** What the band around a mean line spans: ±1 sample standard deviation, or the smallest to the largest seed. */
export type BandKind = 'sd' | 'range';

export interface Spread {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  if (!n) return { n: 0, mean: NaN, sd: NaN, min: NaN, max: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return { n, mean, sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, min: Math.min(...values), max: Math.max(...values) };
}

/** The band's edges around the mean. */
export function bandEdges(spread: Spread, kind: BandKind): { lower: number; upper: number } {
  return kind === 'sd' ? { lower: spread.mean - spread.sd, upper: spread.mean + spread.sd } : { lower: spread.min, upper: spread.max };
}

export type MetricKey = Exclude<keyof EpochMetrics, 'epoch'>;
const METRIC_KEYS: readonly MetricKey[] = ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'seconds', 'samplesPerSecond'];

/** One epoch over the seeds that reached it: the mean metrics (an EpochMetrics, so the mean draws as one run's line) and each metric's spread. */
export interface EpochSpread {
  mean: EpochMetrics;
  spread: Record<MetricKey, Spread>;
}

/**
 * Per epoch, over the seeds whose history has it (a diverged or stopped seed drops out
 * of the epochs it did not finish; `spread.*.n` says how many remain).
 */
export function aggregateHistories(histories: readonly (readonly EpochMetrics[])[]): EpochSpread[] {
  const epochs = Math.max(0, ...histories.map((h) => h.length));
  const out: EpochSpread[] = [];
  for (let i = 0; i < epochs; i++) {
    const reached = histories.flatMap((h) => (h[i] ? [h[i]] : []));
    const spread = Object.fromEntries(METRIC_KEYS.map((key) => [key, spreadOf(reached.map((m) => m[key]))])) as Record<MetricKey, Spread>;
    const mean = { epoch: i + 1, ...Object.fromEntries(METRIC_KEYS.map((key) => [key, spread[key].mean])) } as EpochMetrics;
    out.push({ mean, spread });
  }
  return out;
}

export interface TraceLike {
  position: number;
  trainLoss: number;
  trainAccuracy: number;
  seconds: number;
}

/**
 * The live curve's mean over seeds: at the first seed's positions up to where every seed
 * has points, each other seed read at that position by linear interpolation (seeds on
 * other workers report at slightly different positions).
 */
export function meanTrace<T extends TraceLike>(traces: readonly (readonly T[])[]): TraceLike[] {
  const present = traces.filter((t) => t.length);
  if (present.length < traces.length || !present.length) return [];
  const end = Math.min(...present.map((t) => t[t.length - 1].position));
  const cursors = present.map(() => 0);
  const out: TraceLike[] = [];
  for (const point of present[0]) {
    if (point.position > end) break;
    const sum = { trainLoss: 0, trainAccuracy: 0, seconds: 0 };
    present.forEach((trace, s) => {
      while (cursors[s] < trace.length - 1 && trace[cursors[s] + 1].position <= point.position) cursors[s]++;
      const a = trace[cursors[s]];
      const b = trace[Math.min(cursors[s] + 1, trace.length - 1)];
      const f = b.position > a.position && point.position > a.position ? (point.position - a.position) / (b.position - a.position) : 0;
      sum.trainLoss += a.trainLoss + f * (b.trainLoss - a.trainLoss);
      sum.trainAccuracy += a.trainAccuracy + f * (b.trainAccuracy - a.trainAccuracy);
      sum.seconds += a.seconds + f * (b.seconds - a.seconds);
    });
    const n = present.length;
    out.push({ position: point.position, trainLoss: sum.trainLoss / n, trainAccuracy: sum.trainAccuracy / n, seconds: sum.seconds / n });
  }
  return out;
}

// --- Welch's t-test ---------------------------------------------------------------

/** ln Γ(x), Lanczos (g = 7, n = 9), about 15 digits for x > 0. */
function logGamma(x: number): number {
  const c = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let step = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 / (Math.abs(1 + step * d) < tiny ? tiny : 1 + step * d);
    c = Math.abs(1 + step / c) < tiny ? tiny : 1 + step / c;
    h *= d * c;
    step = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 / (Math.abs(1 + step * d) < tiny ? tiny : 1 + step * d);
    c = Math.abs(1 + step / c) < tiny ? tiny : 1 + step / c;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom (df need not be whole). */
export function twoSidedP(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface WelchResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  p: number;
}

/** Welch's unequal-variances t-test of two samples' means; undefined when it cannot be computed (n < 2, or no spread in either). */
export function welchTest(a: Spread, b: Spread): WelchResult | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const va = (a.sd * a.sd) / a.n;
  const vb = (b.sd * b.sd) / b.n;
  if (va + vb === 0) return undefined;
  const t = (a.mean - b.mean) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return { t, df, p: twoSidedP(t, df) };
}

// --- The sentence under the table ----------------------------------------------------

export interface ContestantFinals {
  name: string;
  /** Final test accuracy (0-1) of each seed that finished (diverged seeds left out). */
  finals: readonly number[];
  /** Seeds the contestant trained, finished or not. */
  seeds: number;
}

const percent = (value: number) => `${(value * 100).toFixed(2)} %`;
const points = (value: number) => `${(value * 100).toFixed(2)} percentage points`;
const pValue = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`);

/**
 * Whether the top two contestants by mean final test accuracy differ by more than their
 * spread over seeds, in words: both means ± sample sd with n, whether the intervals
 * (mean ± 1 sd) overlap, and Welch's t-test with its p-value when there are two or more
 * seeds. With one seed it says that one seed cannot tell. Undefined with fewer than two
 * contestants that finished an epoch.
 */
export function compareTopTwo(contestants: readonly ContestantFinals[]): string | undefined {
  const ranked = contestants
    .filter((c) => c.finals.length)
    .map((c) => ({ ...c, spread: spreadOf(c.finals) }))
    .sort((a, b) => b.spread.mean - a.spread.mean);
  if (ranked.length < 2) return undefined;
  const [first, second] = ranked;
  const diverged = ranked
    .slice(0, 2)
    .filter((c) => c.finals.length < c.seeds)
    .map((c) => {
      const missing = c.seeds - c.finals.length;
      return `${missing} of ${c.name}'s ${c.seeds} seeds did not finish and ${missing === 1 ? 'is' : 'are'} left out. `;
    })
    .join('');
  if (first.seeds === 1 && second.seeds === 1) {
    const tie = first.spread.mean === second.spread.mean;
    return `${tie ? `${first.name} and ${second.name} tie` : `${first.name} leads ${second.name}`} at ${percent(first.spread.mean)}${tie ? '' : ` against ${percent(second.spread.mean)}`} final test accuracy, from one seed each. One seed cannot tell whether the order holds: another seed may reverse it. Set Seeds to 3 or more to see the spread.`;
  }
  const describe = (c: (typeof ranked)[number]) => `${c.name} ${percent(c.spread.mean)} ± ${(c.spread.sd * 100).toFixed(2)}`;
  const ns = first.spread.n === second.spread.n ? `n = ${first.spread.n} seeds each` : `n = ${first.spread.n} and ${second.spread.n} seeds`;
  const head = `${diverged}Final test accuracy, mean ± sample standard deviation over seeds (${ns}): ${describe(first)}, ${describe(second)}.`;
  const gap = first.spread.mean - second.spread.mean;
  if (gap === 0) return `${head} They tie: the means are equal.`;
  const overlap = first.spread.mean - first.spread.sd <= second.spread.mean + second.spread.sd;
  const test = welchTest(first.spread, second.spread);
  if (!test) {
    if (first.spread.n < 2 || second.spread.n < 2) return `${head} One of them has a single finished seed, so their spread cannot be compared.`;
    return `${head} Every seed gave the same accuracy, so there is no spread to compare the gap of ${points(gap)} with.`;
  }
  const welch = `Welch's t-test: t = ${test.t.toFixed(2)}, df = ${test.df.toFixed(1)}, ${pValue(test.p)}`;
  if (overlap) {
    return `${head} The intervals (mean ± 1 sd) overlap: the gap of ${points(gap)} is within the seed-to-seed spread, so these seeds do not show that ${first.name} is better than ${second.name} (${welch}).`;
  }
  const verdict =
    test.p < 0.05
      ? `the difference is unlikely to come from the choice of seeds alone (${welch})`
      : `with this few seeds the difference is not statistically significant (${welch})`;
  return `${head} The intervals (mean ± 1 sd) do not overlap: ${first.name} leads by ${points(gap)}, more than their spread, and ${verdict}.`;
}
