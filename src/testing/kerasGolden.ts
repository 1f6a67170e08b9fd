/**
 * Keras 3's own expected values (keras/src/optimizers/*_test.py): facts to check
 * both engines against, beside the float64 references of kerasReference.ts.
 * Keras checks them with assertAllClose, |actual - expected| <= atol + rtol·|expected|.
 */
import type { OptimizerId } from '../experiment/optimizers';
import type { ParameterValues } from '../experiment/parameters';

export interface GoldenCase {
  optimizer: OptimizerId;
  /** Where Keras has it. */
  test: string;
  /** Keras's arguments, in our keys (the rest at Keras's defaults). */
  params: ParameterValues;
  initial: number[];
  /** Gradient of each step. */
  gradients: number[][];
  /** Expected weights after each step. */
  expected: number[][];
  tolerance: { rtol: number; atol: number };
}

// ops.arange(0.1, 1.1, 0.1) in float32, as Keras makes it (0.1 + 0.1 k in float32).
const ARANGE = Array.from({ length: 10 }, (_, k) => Math.fround(Math.fround(0.1) + Math.fround(Math.fround(0.1) * k)));
const tile = (values: number[]) => values.map((v) => new Array<number>(10).fill(v));

/**
 * test_correctness_with_golden: x = ones(10), one step with gradient 0.01
 * everywhere, then four with arange(0.1, 1.1, 0.1); the weights are checked
 * after each of those five steps (rtol = atol = 5e-4; the values have 4 decimals).
 */
const golden = (optimizer: OptimizerId, params: ParameterValues, expected: number[][]): GoldenCase => ({
  optimizer,
  test: `keras/src/optimizers/${optimizer}_test.py test_correctness_with_golden`,
  params,
  initial: new Array<number>(10).fill(1),
  gradients: [new Array<number>(10).fill(0.01), ARANGE, ARANGE, ARANGE, ARANGE],
  expected,
  tolerance: { rtol: 5e-4, atol: 5e-4 },
});

/** test_single_step: [1, 2, 3, 4] with gradient [1, 6, 7, 2] at learning rate 0.5 (rtol = atol = 1e-4). */
const singleStep = (optimizer: OptimizerId, expected: number[]): GoldenCase => ({
  optimizer,
  test: `keras/src/optimizers/${optimizer}_test.py test_single_step`,
  params: { learningRate: 0.5 },
  initial: [1, 2, 3, 4],
  gradients: [[1, 6, 7, 2]],
  expected: [expected],
  tolerance: { rtol: 1e-4, atol: 1e-4 },
});

export const KERAS_GOLDEN: GoldenCase[] = [
  singleStep('sgd', [0.5, -1.0, -0.5, 3.0]),
  singleStep('adam', [0.5, 1.5, 2.5, 3.5]),
  singleStep('adagrad', [0.5233, 1.5007, 2.5005, 3.5061]),
  singleStep('adadelta', [0.9993, 1.9993, 2.9993, 3.9993]),
  singleStep('rmsprop', [-0.5811, 0.4189, 1.4189, 2.4189]),
  singleStep('nadam', [0.4686, 1.4686, 2.4686, 3.4686]),
  // SGD(nesterov=True) at momentum 0 is plain SGD in Keras (no momentum slot).
  golden('sgd', { nesterov: true }, [
    [0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999],
    [0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899],
    [0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799],
    [0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699],
    [0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599],
  ]),
  golden('adam', { amsgrad: true }, tile([0.999, 0.9982, 0.9974, 0.9965, 0.9955])),
  golden('adagrad', { learningRate: 0.2, initialAccumulator: 0.3, epsilon: 1e-6 }, [
    [0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963],
    [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
    [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
    [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
    [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825],
  ]),
  golden('adadelta', { learningRate: 1, rho: 0.8, epsilon: 1e-6 }, tile([0.9978, 0.9947, 0.9915, 0.9882, 0.9849])),
  golden('rmsprop', { centered: true }, tile([0.9967, 0.9933, 0.9908, 0.9885, 0.9864])),
  golden('nadam', { learningRate: 0.5, beta1: 0.5, beta2: 0.67, epsilon: 1e-5 }, [
    [0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281],
    [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
    [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
    [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
    [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454],
  ]),
];

/** Keras's assertAllClose. */
export function allClose(actual: ArrayLike<number>, expected: readonly number[], { rtol, atol }: { rtol: number; atol: number }): boolean {
  return expected.every((e, i) => Math.abs(actual[i] - e) <= atol + rtol * Math.abs(e));
}
