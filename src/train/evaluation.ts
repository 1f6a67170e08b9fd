/**
 * Evaluation of a finished contestant on the CPU, in plain TypeScript, from the final
 * weights the worker keeps (Keras order): the test set's confusion matrix and its most
 * confident mistakes, and the probabilities of one drawn digit. No tfjs: the weights
 * are already on the host, and this stays independent of the training backend.
 */
import { IMAGE_SIZE, NUM_CLASSES } from '../data/manifest';
import type { SplitData } from '../data/shardLoader';
import { NETWORK_LIMITS, type Activation, type NetworkSettings } from '../experiment/network';
import { PIXEL_VALUES } from './batches';
import { KERAS_EPSILON, parameterShapes } from './network';
import type { DigitProbability, MisclassifiedExample } from './protocol';

/** How many misclassified examples an evaluation returns, most confident first. */
export const MAX_MISCLASSIFIED = 40;

export interface TestSetEvaluation {
  /** 100 counts, row-major: row = true label, column = predicted. */
  confusion: number[];
  correct: number;
  /** Keras cross-entropy summed over the examples (as the engines' evaluate reports it). */
  lossSum: number;
  misclassified: MisclassifiedExample[];
}

const activations: Record<Activation, (x: number) => number> = {
  relu: (x) => (x > 0 ? x : 0),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/**
 * z += the sum over the listed inputs of value times that input's kernel row ([fanIn][fanOut]
 * row-major), eight inputs at a time so that each z[o] is loaded and stored an eighth as
 * often (on the article network: 0.34 s → 0.22 s for the 10,000 test images in Node 20).
 * A function of its own, so V8 optimises this hot loop alone.
 */
function addRows(z: Float64Array, kernel: Float32Array, values: Float64Array, rows: Int32Array, count: number, fanOut: number): void {
  let j = 0;
  for (; j + 7 < count; j += 8) {
    const a = values[j], b = values[j + 1], c = values[j + 2], d = values[j + 3];
    const e = values[j + 4], f = values[j + 5], g = values[j + 6], h = values[j + 7];
    const ra = rows[j], rb = rows[j + 1], rc = rows[j + 2], rd = rows[j + 3];
    const re = rows[j + 4], rf = rows[j + 5], rg = rows[j + 6], rh = rows[j + 7];
    for (let o = 0; o < fanOut; o++) {
      z[o] += a * kernel[ra + o] + b * kernel[rb + o] + c * kernel[rc + o] + d * kernel[rd + o] + e * kernel[re + o] + f * kernel[rf + o] + g * kernel[rg + o] + h * kernel[rh + o];
    }
  }
  for (; j < count; j++) {
    const a = values[j];
    const ra = rows[j];
    for (let o = 0; o < fanOut; o++) z[o] += a * kernel[ra + o];
  }
}

/**
 * The output layer: z = bias + the kernel rows ([fanIn][10] row-major) weighted by
 * the inputs, with the ten sums in locals (registers) rather than in
 * memory: the last layer of every network is ten wide, and this is the landscape's
 * inner loop (landscape.ts).
 */
function addLogits(z: Float64Array, kernel: Float32Array, bias: Float32Array, input: Float64Array, fanIn: number): void {
  let z0 = bias[0], z1 = bias[1], z2 = bias[2], z3 = bias[3], z4 = bias[4];
  let z5 = bias[5], z6 = bias[6], z7 = bias[7], z8 = bias[8], z9 = bias[9];
  for (let i = 0, r = 0; i < fanIn; i++, r += NUM_CLASSES) {
    // No test for ReLU's zeros: half of them, at random, cost more in mispredicted branches than their ten products.
    const x = input[i];
    z0 += x * kernel[r];
    z1 += x * kernel[r + 1];
    z2 += x * kernel[r + 2];
    z3 += x * kernel[r + 3];
    z4 += x * kernel[r + 4];
    z5 += x * kernel[r + 5];
    z6 += x * kernel[r + 6];
    z7 += x * kernel[r + 7];
    z8 += x * kernel[r + 8];
    z9 += x * kernel[r + 9];
  }
  z[0] = z0; z[1] = z1; z[2] = z2; z[3] = z3; z[4] = z4;
  z[5] = z5; z[6] = z6; z[7] = z7; z[8] = z8; z[9] = z9;
}

/**
 * A trained network's forward pass. The first layer adds only the kernel rows of
 * nonzero pixels (about 19 % of an MNIST image), later layers skip inputs that are
 * exactly zero (ReLU's). Sums are in double; each layer's outputs are rounded to
 * float32 as the engines store them.
 */
export class CpuNetwork {
  private readonly kernels: Float32Array[];
  private readonly biases: Float32Array[];
  private readonly widths: number[];
  private readonly activate: (x: number) => number;
  private readonly relu: boolean;
  /** Scratch buffers, one per layer's output. */
  private readonly outputs: Float64Array[];
  /** Scratch: the current layer's nonzero inputs and their kernel rows' offsets. */
  private readonly values = new Float64Array(Math.max(IMAGE_SIZE, NETWORK_LIMITS.maxUnits));
  private readonly rows = new Int32Array(Math.max(IMAGE_SIZE, NETWORK_LIMITS.maxUnits));

  /** Its weights in Keras order (kernel, bias per layer), as given: not copied. */
  constructor(
    network: NetworkSettings,
    readonly weights: readonly Float32Array[],
  ) {
    const shapes = parameterShapes(network);
    if (weights.length !== shapes.length || weights.some((w, i) => w.length !== shapes[i].shape.reduce((a, b) => a * b, 1))) {
      throw new Error(`Expected weights of shapes ${shapes.map((s) => s.shape.join('x')).join(', ')}.`);
    }
    this.kernels = weights.filter((_, i) => i % 2 === 0);
    this.biases = weights.filter((_, i) => i % 2 === 1);
    this.widths = this.biases.map((b) => b.length);
    this.activate = activations[network.activation];
    this.relu = network.activation === 'relu';
    this.outputs = this.widths.map((w) => new Float64Array(w));
  }

  /** Softmax probabilities of one image (784 values in [0, 1]) into `out` (10 values). */
  probabilities(image: ArrayLike<number>, out: Float64Array): void {
    const z = this.outputs[0];
    this.preActivation(image, z);
    this.fromPreActivation(z, out);
  }

  /**
   * The first layer's pre-activation of one image into `z`: its bias plus the kernel rows
   * of the nonzero pixels, in double. Linear in the layer's weights, which is what lets
   * the landscape (landscape.ts) mix those of several networks without redoing this.
   */
  preActivation(image: ArrayLike<number>, z: Float64Array): void {
    this.affine(0, image, IMAGE_SIZE, z);
  }

  /** The rest of the forward pass from the first layer's pre-activation `z` (overwritten): softmax probabilities into `out`. */
  fromPreActivation(z: Float64Array, out: Float64Array): void {
    const layers = this.kernels.length;
    let input: Float64Array = z;
    for (let l = 0; l < layers; l++) {
      const fanOut = this.widths[l];
      const output = l === 0 ? z : this.outputs[l];
      if (l === 0) {
        // z is the first layer's pre-activation already.
      } else if (l === layers - 1) addLogits(output, this.kernels[l], this.biases[l], input, this.widths[l - 1]);
      else this.affine(l, input, this.widths[l - 1], output);
      if (l === layers - 1) for (let o = 0; o < fanOut; o++) output[o] = Math.fround(output[o]);
      // ReLU of a float32 is a float32: one rounding, no call, and no branch ((v + |v|) / 2 is exact): random signs would mispredict half the time.
      else if (this.relu)
        for (let o = 0; o < fanOut; o++) {
          const v = Math.fround(output[o]);
          output[o] = 0.5 * (v + Math.abs(v));
        }
      else for (let o = 0; o < fanOut; o++) output[o] = Math.fround(this.activate(Math.fround(output[o])));
      input = output;
    }
    softmax(input, out);
  }

  /** z = layer l's bias + its kernel rows of the nonzero inputs, weighted by them. */
  private affine(l: number, input: ArrayLike<number>, fanIn: number, z: Float64Array): void {
    const { values, rows } = this;
    const fanOut = this.widths[l];
    z.set(this.biases[l]);
    let count = 0;
    for (let i = 0; i < fanIn; i++) {
      const x = input[i];
      if (x === 0) continue;
      values[count] = x;
      rows[count++] = i * fanOut;
    }
    addRows(z, this.kernels[l], values, rows, count, fanOut);
  }

  /** Probabilities of one image as a plain array (for messages). */
  predict(image: ArrayLike<number>): number[] {
    if (image.length !== IMAGE_SIZE) throw new Error(`Expected ${IMAGE_SIZE} pixels, got ${image.length}.`);
    const out = new Float64Array(NUM_CLASSES);
    this.probabilities(image, out);
    return Array.from(out);
  }
}

/** The argmax, the first of equals (as tf.argMax and the kernel choose). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The `k` most probable digits, most probable first. */
export function topDigits(probabilities: ArrayLike<number>, k = 3): DigitProbability[] {
  return Array.from(probabilities, (probability, digit) => ({ digit, probability }))
    .sort((a, b) => b.probability - a.probability || a.digit - b.digit)
    .slice(0, k);
}

/** Softmax of `logits` (10 values) into `out`, shifted by the largest for stability. */
function softmax(logits: Float64Array, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < NUM_CLASSES; c++) max = Math.max(max, logits[c]);
  let sum = 0;
  for (let c = 0; c < NUM_CLASSES; c++) sum += out[c] = Math.exp(logits[c] - max);
  for (let c = 0; c < NUM_CLASSES; c++) out[c] /= sum;
}

/** Keras's clipped cross-entropy of one example, from its probabilities. */
export function crossEntropy(probabilities: Float64Array, label: number): number {
  let sum = 0;
  for (let c = 0; c < NUM_CLASSES; c++) sum += probabilities[c];
  const p = Math.min(Math.max(probabilities[label] / sum, KERAS_EPSILON), 1 - KERAS_EPSILON);
  return -Math.log(p);
}

/**
 * Every example of `split` through the network: the confusion matrix, the loss, and the
 * `maxMisclassified` mistakes made with the highest confidence (ties: test-set order).
 */
export function evaluateSplit(network: CpuNetwork, split: SplitData, maxMisclassified = MAX_MISCLASSIFIED): TestSetEvaluation {
  const confusion = new Array<number>(NUM_CLASSES * NUM_CLASSES).fill(0);
  const image = new Float32Array(IMAGE_SIZE);
  const probabilities = new Float64Array(NUM_CLASSES);
  // Kept sorted by confidence, highest first; only the list's last place is ever contested.
  const worst: { index: number; confidence: number; label: number; predicted: number; probabilities: Float64Array }[] = [];
  let correct = 0;
  let lossSum = 0;
  for (let index = 0; index < split.count; index++) {
    const offset = index * IMAGE_SIZE;
    // The scale training uses (batches.ts): uint8 * (1 / 255), stored as float32.
    for (let p = 0; p < IMAGE_SIZE; p++) image[p] = PIXEL_VALUES[split.images[offset + p]];
    network.probabilities(image, probabilities);
    const label = split.labels[index];
    const predicted = argmax(probabilities);
    confusion[label * NUM_CLASSES + predicted] += 1;
    lossSum += crossEntropy(probabilities, label);
    if (predicted === label) {
      correct += 1;
      continue;
    }
    const confidence = probabilities[predicted];
    if (worst.length === maxMisclassified && confidence <= worst[worst.length - 1].confidence) continue;
    let at = worst.length;
    while (at > 0 && worst[at - 1].confidence < confidence) at--;
    worst.splice(at, 0, { index, confidence, label, predicted, probabilities: probabilities.slice() });
    if (worst.length > maxMisclassified) worst.pop();
  }
  return {
    confusion,
    correct,
    lossSum,
    misclassified: worst.map(({ index, label, predicted, probabilities: p }) => ({
      index,
      label,
      predicted,
      top: topDigits(p),
      pixels: split.images.slice(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE),
    })),
  };
}
