/**
 * Where the landscape between the runs is sampled (Goodfellow, Vinyals & Saxe 2015,
 * "Qualitatively characterizing neural network optimization problems"): shared by the
 * worker that computes the losses and the page that draws them.
 */

/** The training loss is measured on the run's first training examples, at most this many. */
export const LANDSCAPE_EXAMPLES = 10_000;

/** α along θ0 + α(θ − θ0): −0.25 to 1.25 in steps of 1/40, 61 points, with 0 and 1 exactly at indices 10 and 50. */
export const LINE_ALPHAS: readonly number[] = Array.from({ length: 61 }, (_, k) => (k - 10) / 40);

/**
 * a and b of the slice θ0 + a(θA − θ0) + b(θB − θ0): −0.5 to 1.5 in steps of 0.1, 21 a side,
 * so the three points (0, 0), (1, 0) and (0, 1) are grid points with half the triangle's side
 * as margin. 21 rather than 25 a side: the slice's 441 points cost 1.4 times the five
 * article contestants' lines together (docs/ARCHITECTURE.md, "Landscape"), 625 would cost twice.
 */
export const SLICE_COORDINATES: readonly number[] = Array.from({ length: 21 }, (_, k) => (k - 5) / 10);
