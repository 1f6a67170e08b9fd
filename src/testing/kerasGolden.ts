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
  /** Expected weights after each step (null: Keras checks none after that step). */
  expected: (number[] | null)[];
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
  // AdamW's weight decay at its default 0.004 shows at lr 0.5: each weight also loses 0.2 %.
  singleStep('adamw', [0.498, 1.496, 2.494, 3.492]),
  singleStep('adamax', [0.5, 1.5, 2.5, 3.5]),
  singleStep('lion', [0.5, 1.5, 2.5, 3.5]),
  // Lamb's trust ratio ‖w‖/‖r‖ = √30/2 on the whole variable: every weight moves by 0.5·2.74.
  singleStep('lamb', [-0.3693, 0.6306, 1.6306, 2.6306]),
  singleStep('ftrl', [0.2218, 1.3954, 2.3651, 2.8814]),
  {
    // Three optimizers each stepping var1 once with a zero gradient: only the decay moves it,
    // 2·(1 − 0.004)³; as one optimizer here, which is the same (Adam's step is 0 at g = 0 for any t).
    optimizer: 'adamw',
    test: 'keras/src/optimizers/adamw_test.py test_weight_decay',
    params: { learningRate: 1, weightDecay: 0.004 },
    initial: [2],
    gradients: [[0], [0], [0]],
    expected: [null, null, [1.9760959]],
    // assertAlmostEqual(..., decimal=6).
    tolerance: { rtol: 0, atol: 5e-7 },
  },
  // muon_test.py test_adamw_single_step: a vector takes the AdamW step. Keras calls update_step
  // alone there, without apply's weight decay, so adam_weight_decay is 0 here.
  { ...singleStep('muon', [0.5, 1.5, 2.5, 3.5]), test: 'keras/src/optimizers/muon_test.py test_adamw_single_step', params: { learningRate: 0.5, adamWeightDecay: 0 } },
  {
    // muon_test.py test_adamw_weight_decay: Muon decays a variable that is not 2-D by
    // adam_weight_decay (0.01 here) at lr 1; a zero gradient leaves the AdamW step at 0.
    optimizer: 'muon',
    test: 'keras/src/optimizers/muon_test.py test_adamw_weight_decay',
    params: { learningRate: 1, adamWeightDecay: 0.01, weightDecay: 0 },
    initial: [2],
    gradients: [[0]],
    expected: [[1.98]],
    tolerance: { rtol: 1e-4, atol: 1e-4 },
  },
  {
    // As AdamW's: with a zero gradient Lamb's r is 0 (its norm 0, so the ratio 1), only the decay moves var1.
    optimizer: 'lamb',
    test: 'keras/src/optimizers/lamb_test.py test_weight_decay',
    params: { learningRate: 1, weightDecay: 0.004 },
    initial: [2],
    gradients: [[0], [0], [0]],
    expected: [null, null, [1.9760959]],
    tolerance: { rtol: 0, atol: 5e-7 },
  },
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
  golden('adamw', { learningRate: 1, weightDecay: 0.5, epsilon: 2 }, [
    [0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998],
    [0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382],
    [0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003],
    [0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258],
    [0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159],
  ]),
  golden('adamax', { learningRate: 0.2, beta1: 0.85, beta2: 0.95, epsilon: 1e-6 }, [
    [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8],
    [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
    [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
    [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
    [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126],
  ]),
  // Lion() at its defaults: every weight moves by exactly lr = 0.001 per step.
  golden('lion', {}, tile([0.999, 0.998, 0.997, 0.996, 0.995])),
  // Lamb() at its defaults: every weight equal, so r is the same everywhere and the ratio ‖w‖/‖r‖ makes each step lr·|w|.
  golden('lamb', {}, tile([0.999, 0.9982, 0.9974, 0.9965, 0.9955])),
  // The pow variant (learning_rate_power -0.2), with every regulariser on; the first step sets x to 0.
  golden('ftrl', { learningRate: 0.05, learningRatePower: -0.2, initialAccumulator: 0.4, l1: 0.05, l2: 0.15, l2Shrinkage: 0.01, beta: 0.3 }, [
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [-0.0034, -0.0077, -0.0118, -0.0157, -0.0194, -0.023, -0.0263, -0.0294, -0.0325, -0.0354],
    [-0.0078, -0.0162, -0.0242, -0.0317, -0.0387, -0.0454, -0.0516, -0.0575, -0.0631, -0.0685],
    [-0.0121, -0.0246, -0.0363, -0.0472, -0.0573, -0.0668, -0.0757, -0.0842, -0.0922, -0.0999],
    [-0.0164, -0.0328, -0.0481, -0.0623, -0.0753, -0.0875, -0.099, -0.1098, -0.1201, -0.1299],
  ]),
];

/** Keras's assertAllClose. */
export function allClose(actual: ArrayLike<number>, expected: readonly number[], { rtol, atol }: { rtol: number; atol: number }): boolean {
  return expected.every((e, i) => Math.abs(actual[i] - e) <= atol + rtol * Math.abs(e));
}

/** A Keras expectation on a 2-D variable (Muon's matrix step), checked like GoldenCase. */
export interface MatrixGoldenCase {
  test: string;
  params: ParameterValues;
  initial: number[][];
  gradients: number[][][];
  expected: number[][];
  tolerance: { rtol: number; atol: number };
}

export const KERAS_MATRIX_GOLDEN: MatrixGoldenCase[] = [
  {
    // update_step alone (no decay; weight_decay=0 there too), lr 0.5, Keras's other defaults.
    test: 'keras/src/optimizers/muon_test.py test_muon_single_step',
    params: { learningRate: 0.5, weightDecay: 0 },
    initial: [[1, 2], [3, 4]],
    gradients: [[[1, 6], [7, 2]]],
    expected: [[0.988775, 1.887053], [2.873428, 3.97035]],
    tolerance: { rtol: 1e-2, atol: 1e-2 },
  },
  {
    // _apply_weight_decay on a 2-D variable: weight_decay 0.01 at lr 1 (a zero gradient makes no step).
    test: 'keras/src/optimizers/muon_test.py test_muon_weight_decay',
    params: { learningRate: 1, weightDecay: 0.01 },
    initial: [[1, 2], [3, 4]],
    gradients: [[[0, 0], [0, 0]]],
    expected: [[0.99, 1.98], [2.97, 3.96]],
    tolerance: { rtol: 1e-4, atol: 1e-4 },
  },
];

/** muon_test.py test_Newton_Schulz: five iterations at Keras's coefficients (rtol = atol = 1e-3). */
export const KERAS_NEWTON_SCHULZ = {
  input: [[0.2499, 0.9105], [0.2655, 0.8824]],
  expected: [[-0.4422, 0.6457], [0.7285, 0.2968]],
  tolerance: { rtol: 1e-3, atol: 1e-3 },
};
