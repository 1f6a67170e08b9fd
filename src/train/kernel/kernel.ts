/**
 * Host side of the fused WebAssembly training kernel (assembly/kernel.ts): feature
 * detection, size checks, and a trainer that keeps every per-step computation in
 * wasm. Plain TypeScript with no Node or DOM dependencies, so it runs in a browser
 * worker and in Node alike; the caller supplies the .wasm bytes (see browser.ts,
 * and src/testing/kernelNode.ts for Node).
 */
import { IMAGE_SIZE, NUM_CLASSES } from '../../data/manifest';
import { stepScalars, withLearningRate } from '../../experiment/algebra';
import { CLIP_MODE, knobsOf, type Knobs } from '../../experiment/knobs';
import { isConstantSchedule, learningRateAt } from '../../experiment/schedules';
import { ACTIVATIONS, NETWORK_LIMITS, type Activation, type NetworkSettings } from '../../experiment/network';
import { OPTIMIZERS } from '../../experiment/optimizers';
import { finishSummary, insideSlots, SLOT_SUMMARY_CODES, type InsideSlot, type LayerInside } from '../../experiment/optimizerInsides';
import type { RunSpec } from '../engine';
import { KNOB_FIELDS, kernelLayout, kernelVariant, MATRIX_FIELDS, type KernelVariant } from './layout';

export type KernelBuild = 'simd' | 'relaxed-simd';

/**
 * Sizes the kernel accepts; anything outside is refused before wasm runs. The
 * network's depth and widths are capped by the settings' NETWORK_LIMITS; a
 * width under the settings' minimum (8) still trains (the kernel's own tests use
 * widths 1 and 5 for the padding paths).
 */
export const KERNEL_LIMITS = {
  maxHiddenLayers: NETWORK_LIMITS.maxHiddenLayers,
  minUnits: 1,
  maxUnits: NETWORK_LIMITS.maxUnits,
  /** The app's largest batch size. */
  maxBatch: 4096,
  maxRuns: 64,
  /** A browser tab may hold several workers; beyond this the sizes are surely a mistake. */
  maxMemoryBytes: 512 * 1024 * 1024,
} as const;

// The smallest modules that use each feature: (func (result v128) v128.const 0)
// and (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd of the three).
const SIMD_PROBE = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...new Array<number>(16).fill(0), 11);
const RELAXED_SIMD_PROBE = Uint8Array.of(
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
);

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

export function supportsSimd(): boolean {
  return validates(SIMD_PROBE);
}

/** Chromium has it since 114; Node 20 only with --experimental-wasm-relaxed-simd. */
export function supportsRelaxedSimd(): boolean {
  return validates(RELAXED_SIMD_PROBE);
}

/** The fastest build this engine runs, or undefined without SIMD. */
export function preferredKernelBuild(): KernelBuild | undefined {
  if (supportsRelaxedSimd()) return 'relaxed-simd';
  return supportsSimd() ? 'simd' : undefined;
}

/** How the first layer reads a batch: by nonzero-pixel lists, densely, or chosen per batch by density. */
export type FirstLayerMode = 'auto' | 'sparse' | 'dense';
const MODE_CODE: Record<FirstLayerMode, number> = { auto: 0, sparse: 1, dense: 2 };

/** One run: an optimizer and its hyperparameters, the same spec the engines are planned with. */
export type KernelRunSpec = RunSpec;

/** The network the kernel trains: hidden layer widths (input side first) and their activation. */
export type KernelNetwork = Pick<NetworkSettings, 'activation'> & { hiddenLayers: readonly number[] };

export interface KernelTrainerOptions {
  network: KernelNetwork;
  /** The largest batch setBatch will be given (evaluation is chunked to it). */
  maxBatch: number;
  runs: readonly KernelRunSpec[];
  /** Keras order, copied into every run: kernel ([fanIn, fanOut] row-major) then bias, layer by layer. */
  initial: readonly Float32Array[];
  /** Default 'auto': sparse unless over half the pixels are nonzero. */
  firstLayer?: FirstLayerMode;
}

export interface StepMetrics {
  /** Mean Keras cross-entropy over the batch, before the update. */
  loss: number;
  /** Examples whose argmax is the label, before the update. */
  correct: number;
}

/** A sampled step's figures (experiment/optimizerInsides.ts): the step's learning rate and each Dense layer's. */
export interface StepInside {
  learningRate: number;
  layers: LayerInside[];
}

export interface EvaluationMetrics {
  lossSum: number;
  correct: number;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  init(layers: number, width0: number, width1: number, width2: number, activation: number, maxBatch: number, runs: number): number;
  addRun(run: number, kind: number): number;
  layoutHash(): number;
  tablePointer(): number;
  stagingPointer(): number;
  labelsPointer(): number;
  gradientRowPointer(): number;
  paramsPointer(run: number): number;
  slotPointer(run: number, slot: number): number;
  valuesPointer(run: number): number;
  lastCorrect(): number;
  memoryEnd(): number;
  prepareBatch(count: number, mode: number, columns: number): number;
  train(run: number): number;
  trainSampled(run: number): number;
  gradientSquaresPointer(): number;
  insideSums(run: number, codes: number): void;
  insideSumsPointer(): number;
  gradientsOnly(run: number): number;
  evaluate(run: number): number;
  applyGradient(run: number, offset: number, bytes: number): void;
  decayRun(run: number): void;
  matrixGradientPointer(): number;
  applyGradientBlock(run: number): void;
  beginSums(): void;
  sumGradient(run: number, offset: number, bytes: number): void;
}

const EXPORTED_FUNCTIONS: readonly (keyof KernelExports)[] = [
  'init', 'addRun', 'layoutHash', 'tablePointer', 'stagingPointer', 'labelsPointer', 'gradientRowPointer', 'paramsPointer',
  'slotPointer', 'valuesPointer', 'lastCorrect', 'memoryEnd', 'prepareBatch', 'train', 'trainSampled', 'gradientSquaresPointer', 'insideSums', 'insideSumsPointer', 'gradientsOnly', 'evaluate', 'applyGradient', 'decayRun',
  'beginSums', 'sumGradient', 'matrixGradientPointer', 'applyGradientBlock',
];

// The kernel has no imports; AssemblyScript's abort is provided in case a build adds one.
const IMPORTS: WebAssembly.Imports = {
  env: {
    abort: () => {
      throw new Error('The training kernel aborted.');
    },
  },
};

/** A compiled kernel build; each trainer gets its own instance (and memory). */
export class Kernel {
  constructor(readonly module: WebAssembly.Module) {
    const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    const missing = [...EXPORTED_FUNCTIONS, 'memory'].filter((name) => !names.has(name));
    if (missing.length) throw new Error(`Not a training kernel build: it lacks ${missing.join(', ')}.`);
  }

  /** Checks the sizes first (throws KernelSizeError), then instantiates and lays out memory. */
  async createTrainer(options: KernelTrainerOptions): Promise<KernelTrainer> {
    checkTrainerOptions(options);
    const instance = await WebAssembly.instantiate(this.module, IMPORTS);
    const exports = instance.exports as unknown as KernelExports;
    if (exports.layoutHash() >>> 0 !== kernelLayout().hash) {
      throw new Error('This kernel build was generated from other optimizer definitions: rebuild it (npm run build:kernel).');
    }
    return new KernelTrainer(exports, options);
  }
}

export async function instantiateKernel(source: BufferSource | WebAssembly.Module): Promise<Kernel> {
  return new Kernel(source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source));
}

export class KernelSizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelSizeError';
  }
}

const isWhole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
const align64 = (n: number) => Math.ceil(n / 64) * 64;
const padded = (units: number) => Math.ceil(units / 4) * 4;
/** assembly/kernel.ts starts its buffers at __heap_base, a few KiB in (its static data); this bounds it. */
const HEAP_BASE_BOUND = 64 * 1024;
const ACTIVATION_CODE: Record<Activation, number> = { relu: 0, tanh: 1, sigmoid: 2 };
/** assembly/kernel.ts's f64 sums per tensor on a sampled step: w², (Δw)², then up to six slots'. */
const INSIDE_SUMS = 8;

/** Where one Dense layer's tensors lie in a parameter block (in floats), as assembly/kernel.ts's init() lays them out. */
export interface KernelLayer {
  fanIn: number;
  fanOut: number;
  /** Stored kernel rows (the inputs padded to 4; for the transposed output kernel, the 10 classes). */
  rows: number;
  /** Floats per stored row (the outputs padded to 4; for the transposed output kernel, the inputs padded). */
  rowLength: number;
  /** The output kernel of a network with hidden layers is stored transposed, [10][fanIn padded]. */
  transposed: boolean;
  kernel: number;
  bias: number;
  /** The bias padded: to 4, or 12 for the 10 classes. */
  biasLength: number;
}

/** The kernel's parameter block, layer by layer; `floats` in all. */
export function parameterLayout(network: KernelNetwork): { layers: KernelLayer[]; floats: number } {
  const widths = [...network.hiddenLayers, NUM_CLASSES];
  const layers: KernelLayer[] = [];
  let offset = 0;
  let fanIn = IMAGE_SIZE;
  widths.forEach((fanOut, l) => {
    const output = l === widths.length - 1;
    const transposed = output && l > 0;
    const outPad = output ? 12 : padded(fanOut);
    const inPad = l === 0 ? IMAGE_SIZE : padded(fanIn);
    const [rows, rowLength] = transposed ? [NUM_CLASSES, inPad] : [inPad, outPad];
    const kernel = offset;
    offset += rows * rowLength;
    layers.push({ fanIn, fanOut, rows, rowLength, transposed, kernel, bias: offset, biasLength: outPad });
    offset += outPad;
    fanIn = fanOut;
  });
  return { layers, floats: offset };
}

/** The most sums (the algebra's `sum`) one variant's program has: the kernel's MAX_SUMS. */
function maxSums(): number {
  return Math.max(1, ...kernelLayout().variants.map((v) => v.variant.program.reductions.length));
}

/**
 * The linear memory a trainer needs, following assembly/kernel.ts's init() and
 * addRun() buffer by buffer (an upper bound: the real heap base is lower). It
 * grows with the network, the batch size and the runs, never with the dataset.
 * `wholeW1Gradient`: some run's update sums over whole tensors (Lamb), so addRun
 * reserves a whole W1 gradient for its two passes. `matrixRuns`: which runs take a matrix
 * step (Muon); the first of them reserves the matrix step's buffers.
 */
export function kernelMemoryBytes(network: KernelNetwork, maxBatch: number, slotCounts: readonly number[], wholeW1Gradient = false, matrixRuns: readonly boolean[] = []): number {
  const { layers, floats } = parameterLayout(network);
  const pixels = maxBatch * IMAGE_SIZE;
  const firstRow = layers[0].biasLength * 4;
  // Per-example rows (activations and pre-activation gradients) of each hidden layer; with none, of the logits.
  const buffered = layers.slice(0, Math.max(1, layers.length - 1));
  const longest = Math.max(12, ...layers.map((l) => l.biasLength));
  const shared = [
    256 * 4, pixels, maxBatch, pixels * 4, (maxBatch + 1) * 4, pixels * 8, pixels * 2, (IMAGE_SIZE + 1) * 4, IMAGE_SIZE * 4, pixels * 8,
    layers.length * 32,
    ...buffered.flatMap((l) => [maxBatch * l.biasLength * 4, maxBatch * l.biasLength * 4]),
    IMAGE_SIZE * Math.ceil(firstRow / 64) * 64, longest * 4, (floats - IMAGE_SIZE * layers[0].rowLength) * 4, 16 * 4,
    layers.length * 8, maxSums() * 8, layers.length * 16, floats * 4, layers.length * 2 * INSIDE_SUMS * 8,
    slotCounts.length * kernelLayout().record.bytes,
  ];
  // The first run with a matrix step (Muon) also reserves its buffers: two blocks, five Gram-sized
  // matrices of doubles and one of floats.
  const firstMatrix = matrixRuns.indexOf(true);
  const side = Math.max(...layers.map((l) => padded(Math.min(l.fanIn, l.fanOut))));
  const matrixScratch = [floats * 4, floats * 4, ...new Array<number>(5).fill(side * side * 8), side * side * 4];
  const perRun = slotCounts.flatMap((slots, run) => [...new Array<number>(1 + slots).fill(floats * 4), ...(run === firstMatrix ? matrixScratch : [])]);
  // W1's size is a whole number of 64-byte blocks: where addRun reserves it does not change the end.
  const twoPass = wholeW1Gradient ? [IMAGE_SIZE * layers[0].rowLength * 4] : [];
  return [...shared, ...twoPass, ...perRun].reduce((end, bytes) => align64(end) + bytes, HEAP_BASE_BOUND);
}

interface RunSetup {
  variant: KernelVariant;
  /** The run's named constants (double; stored as float32) and its slots' initial values. */
  constants: Record<string, number>;
  slotInit: Record<string, number>;
  knobs: Knobs;
  /** Step t's learning rate (after the schedule), its named scalars, and its constants when a schedule moves them. */
  stepValues: (t: number) => { learningRate: number; scalars: Record<string, number>; constants?: Record<string, number> };
  scalarOffsets: readonly (readonly [string, number])[];
  constantOffsets: readonly (readonly [string, number])[];
  /** The matrix step's settings (a definition with one): Newton-Schulz, the biases' decay, each layer's two factors. */
  matrix?: { a: number; b: number; c: number; steps: number; elementwiseWeightDecay: number; scales: (layers: readonly KernelLayer[]) => number[] };
  /** Its slots' summaries on a sampled step, in the variant's slot order. */
  insideSlots: readonly InsideSlot[];
}

/** The run's variant and values, all from the optimizer's definition (experiment/definitions/). */
function runSetup({ optimizer, hyperparameters: params, schedule }: KernelRunSpec): RunSetup {
  const definition = OPTIMIZERS[optimizer];
  if (!definition) throw new Error(`Unknown optimizer ${String(optimizer)}.`);
  for (const spec of definition.parameters) {
    const value = params[spec.key];
    const ok = spec.kind === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'boolean';
    if (!ok) throw new Error(`${optimizer}: parameter ${spec.key} must be a ${spec.kind === 'number' ? 'finite number' : 'boolean'}, got ${String(value)}.`);
  }
  const variant = kernelVariant(optimizer, params);
  if (variant.slots.length > INSIDE_SUMS - 2) throw new Error(`${optimizer}: ${variant.slots.length} slots; insideSums in assembly/kernel.ts sums at most ${INSIDE_SUMS - 2}.`);
  const scheduled = !isConstantSchedule(schedule);
  const initialRate = params.learningRate as number;
  return {
    variant,
    constants: definition.constants(params),
    slotInit: definition.slots(params),
    knobs: knobsOf(params),
    stepValues: (t) => {
      const learningRate = learningRateAt(schedule, initialRate, t - 1);
      const scalars = stepScalars(definition, params, t, learningRate);
      return scheduled ? { learningRate, scalars, constants: definition.constants(withLearningRate(params, learningRate)) } : { learningRate, scalars };
    },
    scalarOffsets: Object.entries(variant.scalars),
    constantOffsets: Object.entries(variant.constants),
    insideSlots: insideSlots(optimizer, params),
    ...(definition.matrix && {
      matrix: {
        ...definition.matrix.newtonSchulz(params),
        elementwiseWeightDecay: definition.matrix.elementwiseWeightDecay(params),
        // Keras's shape of each kernel, [fanIn, fanOut], whatever the kernel's storage.
        scales: (layers) => layers.flatMap((l) => [...definition.matrix!.scale(params, l.fanIn, l.fanOut)]),
      },
    }),
  };
}

/** Throws KernelSizeError for sizes the kernel does not take; run before any wasm call. */
export function checkTrainerOptions(options: KernelTrainerOptions): void {
  const { network, maxBatch, runs, initial } = options;
  checkNetwork(network);
  if (!isWhole(maxBatch, 1, KERNEL_LIMITS.maxBatch)) throw new KernelSizeError(`Batch size ${maxBatch} is outside the kernel's range 1 to ${KERNEL_LIMITS.maxBatch}.`);
  if (!isWhole(runs.length, 1, KERNEL_LIMITS.maxRuns)) throw new KernelSizeError(`${runs.length} optimizer runs is outside the kernel's range 1 to ${KERNEL_LIMITS.maxRuns}.`);
  checkWeightShapes(network, initial);
  const variants = runs.map((run) => runSetup(run).variant);
  const bytes = kernelMemoryBytes(network, maxBatch, variants.map((v) => v.slots.length), variants.some((v) => v.variant.program.reductions.length > 0), variants.map((v) => v.matrix));
  if (bytes > KERNEL_LIMITS.maxMemoryBytes) {
    const mib = (n: number) => `${Math.ceil(n / 2 ** 20)} MiB`;
    throw new KernelSizeError(
      `Hidden layers ${describeLayers(network)}, batch size ${maxBatch} and ${runs.length} runs need ${mib(bytes)} of kernel memory, over the ${mib(KERNEL_LIMITS.maxMemoryBytes)} cap.`,
    );
  }
}

const describeLayers = (network: KernelNetwork) => (network.hiddenLayers.length ? network.hiddenLayers.join(' x ') : 'none');

/** The network's depth, widths and activation against the limits (NETWORK_LIMITS' maxima). */
function checkNetwork(network: KernelNetwork): void {
  if (!network || !Array.isArray(network.hiddenLayers)) throw new KernelSizeError('The kernel needs a network (hidden layers and activation).');
  const { hiddenLayers, activation } = network;
  if (hiddenLayers.length > KERNEL_LIMITS.maxHiddenLayers) {
    throw new KernelSizeError(`${hiddenLayers.length} hidden layers is over the limit of ${KERNEL_LIMITS.maxHiddenLayers} (NETWORK_LIMITS.maxHiddenLayers).`);
  }
  hiddenLayers.forEach((units, i) => {
    if (!isWhole(units, KERNEL_LIMITS.minUnits, KERNEL_LIMITS.maxUnits)) {
      throw new KernelSizeError(`Hidden layer ${i + 1} width ${units} is outside the kernel's range ${KERNEL_LIMITS.minUnits} to ${KERNEL_LIMITS.maxUnits} (NETWORK_LIMITS.maxUnits).`);
    }
  });
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) throw new KernelSizeError(`Unknown activation "${String(activation)}" (the kernel runs ${ACTIVATIONS.join(', ')}).`);
}

/** Keras order: kernel [fanIn * fanOut] then bias [fanOut], layer by layer. */
function weightSizes(network: KernelNetwork): number[] {
  return parameterLayout(network).layers.flatMap((l) => [l.fanIn * l.fanOut, l.fanOut]);
}

function checkWeightShapes(network: KernelNetwork, weights: readonly Float32Array[]): void {
  const expected = weightSizes(network);
  if (weights.length !== expected.length || weights.some((w, i) => w.length !== expected[i])) {
    throw new KernelSizeError(`Expected ${expected.length} weight arrays of ${expected.join(', ')} values, got ${weights.map((w) => w.length).join(', ')}.`);
  }
}

// gatherBatch's scaling, uint8 * (1/255) in double stored to float32, as a table.
const PIXEL_TABLE = Float32Array.from({ length: 256 }, (_, v) => v * (1 / 255));

interface RunState {
  setup: RunSetup;
  step: number;
}

/**
 * Trains several optimizer runs of one network in lockstep. Usage per batch:
 * setBatch once, then trainStep for each run. evaluate reuses the batch buffer,
 * so call setBatch again after it before training.
 */
export class KernelTrainer {
  readonly network: KernelNetwork;
  readonly maxBatch: number;
  readonly runCount: number;
  private readonly layout: { layers: KernelLayer[]; floats: number };
  private readonly mode: number;
  private readonly runs: RunState[];
  private exports: KernelExports | undefined;
  private u8!: Uint8Array;
  private f32!: Float32Array;
  /** Examples in the prepared training batch; 0 when none is ready. */
  private batchSize = 0;
  private batchDense = false;

  /** Use Kernel.createTrainer, which checks the options first. */
  constructor(exports: KernelExports, options: KernelTrainerOptions) {
    checkTrainerOptions(options);
    this.network = { hiddenLayers: [...options.network.hiddenLayers], activation: options.network.activation };
    this.maxBatch = options.maxBatch;
    this.runCount = options.runs.length;
    this.layout = parameterLayout(this.network);
    this.mode = MODE_CODE[options.firstLayer ?? 'auto'];
    this.exports = exports;
    this.runs = options.runs.map((spec) => ({ setup: runSetup(spec), step: 0 }));
    const outOfMemory = () => new Error('The training kernel could not get enough memory.');
    const [width0 = 0, width1 = 0, width2 = 0] = this.network.hiddenLayers;
    const layers = this.network.hiddenLayers.length;
    if (!exports.init(layers, width0, width1, width2, ACTIVATION_CODE[this.network.activation], this.maxBatch, this.runCount)) throw outOfMemory();
    this.runs.forEach(({ setup }, run) => {
      if (!exports.addRun(run, setup.variant.kind)) throw outOfMemory();
    });
    // Memory is laid out for good now, so these views stay valid.
    this.u8 = new Uint8Array(exports.memory.buffer);
    this.f32 = new Float32Array(exports.memory.buffer);
    this.f32.set(PIXEL_TABLE, exports.tablePointer() / 4);
    const blockFloats = this.layout.floats;
    this.runs.forEach(({ setup }, run) => {
      const { variant, constants, slotInit, knobs } = setup;
      this.setWeights(run, options.initial);
      variant.slots.forEach((name, slot) => {
        const at = exports.slotPointer(run, slot) / 4;
        this.f32.fill(slotInit[name], at, at + blockFloats);
      });
      const values = exports.valuesPointer(run) / 4;
      for (const [name, offset] of Object.entries(variant.constants)) this.f32[values + offset] = constants[name];
      const knobsAt = this.knobsPointer(run) / 4;
      new Int32Array(exports.memory.buffer)[knobsAt + KNOB_FIELDS.clipMode / 4] = CLIP_MODE[knobs.clip];
      this.f32[knobsAt + KNOB_FIELDS.clipAmount / 4] = knobs.clipAmount;
      this.f32[knobsAt + KNOB_FIELDS.weightDecay / 4] = knobs.weightDecay;
      if (setup.matrix) this.writeMatrixSettings(run, setup.matrix);
    });
  }

  /** A matrix run's Newton-Schulz settings, its biases' decay and each layer's factors, into its record (layout.ts MATRIX_FIELDS). */
  private writeMatrixSettings(run: number, matrix: NonNullable<RunSetup['matrix']>): void {
    const { record } = kernelLayout();
    const at = (this.wasm.valuesPointer(run) - record.valuesAt + record.matrixAt) / 4;
    this.f32[at + MATRIX_FIELDS.a / 4] = matrix.a;
    this.f32[at + MATRIX_FIELDS.b / 4] = matrix.b;
    this.f32[at + MATRIX_FIELDS.c / 4] = matrix.c;
    new Int32Array(this.wasm.memory.buffer)[at + MATRIX_FIELDS.steps / 4] = matrix.steps;
    this.f32[at + MATRIX_FIELDS.elementwiseWeightDecay / 4] = matrix.elementwiseWeightDecay;
    this.f32.set(matrix.scales(this.layout.layers), at + MATRIX_FIELDS.scales / 4);
  }

  private get wasm(): KernelExports {
    if (!this.exports) throw new Error('This kernel trainer has been disposed.');
    return this.exports;
  }

  /** Bytes of wasm linear memory in use (constant after construction). */
  get memoryBytes(): number {
    return this.wasm.memory.buffer.byteLength;
  }

  /** Bytes of linear memory laid out (the end of the last buffer), for checking kernelMemoryBytes. */
  get memoryInUse(): number {
    return this.wasm.memoryEnd();
  }

  /** Steps taken by a run (Adam's t). */
  steps(run: number): number {
    return this.runs[this.checkRun(run)].step;
  }

  /** Whether the prepared batch uses the dense first layer. */
  get denseBatch(): boolean {
    return this.batchDense;
  }

  private checkRun(run: number): number {
    if (!isWhole(run, 0, this.runCount - 1)) throw new RangeError(`Run ${run} does not exist (there are ${this.runCount}).`);
    return run;
  }

  /**
   * Gathers the examples at `indices` of a uint8 dataset (count * 784 pixels and
   * count labels) into the kernel and prepares them for every run's next step.
   */
  setBatch(images: Uint8Array, labels: Uint8Array, indices: ArrayLike<number>): void {
    const wasm = this.wasm;
    const size = indices.length;
    if (!isWhole(size, 1, this.maxBatch)) throw new KernelSizeError(`Batch of ${size} examples; this trainer takes 1 to ${this.maxBatch}.`);
    const count = labels.length;
    if (images.length !== count * IMAGE_SIZE) throw new Error(`Expected ${count * IMAGE_SIZE} pixels for ${count} labels, got ${images.length}.`);
    const staging = wasm.stagingPointer();
    const labelsAt = wasm.labelsPointer();
    const u8 = this.u8;
    this.batchSize = 0;
    for (let row = 0; row < size; row++) {
      const example = indices[row];
      if (!isWhole(example, 0, count - 1)) throw new RangeError(`Example index ${example} is outside the dataset of ${count}.`);
      const label = labels[example];
      if (label >= NUM_CLASSES) throw new RangeError(`Label ${label} of example ${example} is not a digit.`);
      u8[labelsAt + row] = label;
      const source = example * IMAGE_SIZE;
      u8.set(images.subarray(source, source + IMAGE_SIZE), staging + row * IMAGE_SIZE);
    }
    this.batchDense = wasm.prepareBatch(size, this.mode, 1) === 1;
    this.batchSize = size;
  }

  /** One step of `run` on the current batch: loss and correct count before the update. */
  trainStep(run: number): StepMetrics {
    const wasm = this.wasm;
    const state = this.runs[this.checkRun(run)];
    if (!this.batchSize) throw new Error('No batch is prepared: call setBatch first (evaluate replaces the batch).');
    state.step += 1;
    this.writeScalars(run, state);
    const loss = wasm.train(run);
    return { loss, correct: wasm.lastCorrect() };
  }

  /**
   * trainStep, measured from inside (the steps the panel samples): the kernel sums each
   * tensor's squared gradients as it makes them, keeps the weights from before the step,
   * and then sums w², (Δw)² and each slot's summary terms per tensor (insideSums, SIMD);
   * here they become each layer's norms and means. A plain step pays nothing for it.
   */
  trainSampledStep(run: number): StepMetrics & { inside: StepInside } {
    const wasm = this.wasm;
    const state = this.runs[this.checkRun(run)];
    if (!this.batchSize) throw new Error('No batch is prepared: call setBatch first (evaluate replaces the batch).');
    state.step += 1;
    const learningRate = this.writeScalars(run, state);
    const loss = wasm.trainSampled(run);
    const correct = wasm.lastCorrect();
    const slots = state.setup.insideSlots;
    wasm.insideSums(run, slots.reduce((codes, { summary }, s) => codes | (SLOT_SUMMARY_CODES[summary] << (2 * s)), 0));
    const tensors = 2 * this.layout.layers.length;
    const squares = new Float64Array(wasm.memory.buffer, wasm.gradientSquaresPointer(), tensors);
    const sums = new Float64Array(wasm.memory.buffer, wasm.insideSumsPointer(), tensors * INSIDE_SUMS);
    const layers = this.layout.layers.map(({ fanIn, fanOut }, l): LayerInside => {
      const [k, b] = [2 * l * INSIDE_SUMS, (2 * l + 1) * INSIDE_SUMS];
      return {
        gradientNorm: Math.sqrt(squares[2 * l] + squares[2 * l + 1]),
        updateNorm: Math.sqrt(sums[k + 1] + sums[b + 1]),
        weightNorm: Math.sqrt(sums[k] + sums[b]),
        slots: slots.map(({ summary }, s) => finishSummary(summary, sums[k + 2 + s] + sums[b + 2 + s], fanIn * fanOut + fanOut)),
      };
    });
    return { loss, correct, inside: { learningRate, layers } };
  }

  /** A copy of one of a run's slot blocks, in Keras order like weights() (tests). */
  slotValues(run: number, slot: number): Float32Array[] {
    this.checkRun(run);
    return this.blockTensors(this.wasm.slotPointer(run, slot) / 4);
  }

  /** Loss sum and correct count of one run over examples [start, start + count) of a dataset. */
  evaluate(run: number, images: Uint8Array, labels: Uint8Array, start: number, count: number): EvaluationMetrics {
    return this.evaluateRuns([run], images, labels, start, count)[0];
  }

  /** The same for several runs, preparing each chunk of examples once for all of them. */
  evaluateRuns(runs: readonly number[], images: Uint8Array, labels: Uint8Array, start: number, count: number): EvaluationMetrics[] {
    const wasm = this.wasm;
    runs.forEach((run) => this.checkRun(run));
    const total = labels.length;
    if (images.length !== total * IMAGE_SIZE) throw new Error(`Expected ${total * IMAGE_SIZE} pixels for ${total} labels, got ${images.length}.`);
    if (!isWhole(start, 0, total) || !isWhole(count, 0, total - start)) throw new RangeError(`Examples ${start} to ${start + count} are outside the dataset of ${total}.`);
    const results = runs.map(() => ({ lossSum: 0, correct: 0 }));
    const staging = wasm.stagingPointer();
    const labelsAt = wasm.labelsPointer();
    this.batchSize = 0;
    for (let first = start; first < start + count; first += this.maxBatch) {
      const end = Math.min(first + this.maxBatch, start + count);
      const chunkLabels = labels.subarray(first, end);
      for (let i = 0; i < chunkLabels.length; i++) {
        if (chunkLabels[i] >= NUM_CLASSES) throw new RangeError(`Label ${chunkLabels[i]} of example ${first + i} is not a digit.`);
      }
      this.u8.set(chunkLabels, labelsAt);
      this.u8.set(images.subarray(first * IMAGE_SIZE, end * IMAGE_SIZE), staging);
      wasm.prepareBatch(end - first, this.mode, 0);
      runs.forEach((run, i) => {
        results[i].lossSum += wasm.evaluate(run);
        results[i].correct += wasm.lastCorrect();
      });
    }
    return results;
  }

  /** Replaces a run's weights (Keras order; its optimizer state is kept). */
  setWeights(run: number, weights: readonly Float32Array[]): void {
    const wasm = this.wasm;
    this.checkRun(run);
    checkWeightShapes(this.network, weights);
    this.writeBlock(wasm.paramsPointer(run) / 4, weights);
  }

  /** Keras-order arrays into a block in the kernel's layout (padded, the output kernel transposed) at float index `base`. */
  private writeBlock(base: number, arrays: readonly Float32Array[]): void {
    const { f32, layout } = this;
    f32.fill(0, base, base + layout.floats);
    layout.layers.forEach((l, i) => {
      const kernel = arrays[2 * i];
      const at = base + l.kernel;
      if (l.transposed) {
        for (let j = 0; j < l.fanIn; j++) for (let c = 0; c < l.fanOut; c++) f32[at + c * l.rowLength + j] = kernel[j * l.fanOut + c];
      } else {
        for (let j = 0; j < l.fanIn; j++) f32.set(kernel.subarray(j * l.fanOut, (j + 1) * l.fanOut), at + j * l.rowLength);
      }
      f32.set(arrays[2 * i + 1], base + l.bias);
    });
  }

  /** Copies of a run's weights in Keras order (network.ts's layout): kernel [fanIn, fanOut] then bias, layer by layer. */
  weights(run: number): Float32Array[] {
    this.checkRun(run);
    return this.blockTensors(this.wasm.paramsPointer(run) / 4);
  }

  /** A block laid out as the parameters (the weights, or a slot), copied out in Keras order, padding dropped. */
  private blockTensors(base: number): Float32Array[] {
    const { f32, layout } = this;
    return layout.layers.flatMap((l) => {
      const kernel = new Float32Array(l.fanIn * l.fanOut);
      const at = base + l.kernel;
      if (l.transposed) {
        for (let j = 0; j < l.fanIn; j++) for (let c = 0; c < l.fanOut; c++) kernel[j * l.fanOut + c] = f32[at + c * l.rowLength + j];
      } else {
        for (let j = 0; j < l.fanIn; j++) kernel.set(f32.subarray(at + j * l.rowLength, at + j * l.rowLength + l.fanOut), j * l.fanOut);
      }
      return [kernel, f32.slice(base + l.bias, base + l.bias + l.fanOut)];
    });
  }

  /**
   * Applies one optimizer step of `run` with the given gradients (in weights()'s
   * layout) instead of computed ones: the update rules in isolation, for tests.
   */
  applyGradients(run: number, gradients: readonly Float32Array[]): void {
    const wasm = this.wasm;
    const state = this.runs[this.checkRun(run)];
    checkWeightShapes(this.network, gradients);
    if (state.setup.knobs.clip !== 'none') throw new Error('applyGradients takes gradients as they are: clipping needs the kernel to compute them (trainStep).');
    state.step += 1;
    this.writeScalars(run, state);
    wasm.decayRun(run);
    if (state.setup.matrix) {
      // The matrix step needs whole kernels: the gradients go in as one block.
      this.writeBlock(wasm.matrixGradientPointer() / 4, gradients);
      wasm.applyGradientBlock(run);
      return;
    }
    const { f32, layout } = this;
    const stage = wasm.gradientRowPointer() / 4;
    // The staging buffer holds the longest row of any layer; each piece is padded with zeros.
    const stageRow = (values: ArrayLike<number>, floats: number) => {
      f32.fill(0, stage, stage + floats);
      for (let i = 0; i < values.length; i++) f32[stage + i] = values[i];
    };
    // A program with sums over a whole tensor (Lamb's norms) takes each tensor twice: a
    // first pass adds up the sums, the second updates (as trainStep does in the kernel).
    const sums = state.setup.variant.variant.program.reductions.length > 0;
    const applyTensor = (pieces: { offset: number; values: ArrayLike<number>; floats: number }[]) => {
      if (sums) {
        wasm.beginSums();
        for (const { offset, values, floats } of pieces) {
          stageRow(values, floats);
          wasm.sumGradient(run, offset * 4, floats * 4);
        }
      }
      for (const { offset, values, floats } of pieces) {
        stageRow(values, floats);
        wasm.applyGradient(run, offset * 4, floats * 4);
      }
    };
    layout.layers.forEach((l, i) => {
      const g = gradients[2 * i];
      applyTensor(
        l.transposed
          ? Array.from({ length: l.fanOut }, (_, c) => ({ offset: l.kernel + c * l.rowLength, values: Array.from({ length: l.fanIn }, (_, j) => g[j * l.fanOut + c]), floats: l.rowLength }))
          : Array.from({ length: l.fanIn }, (_, j) => ({ offset: l.kernel + j * l.rowLength, values: g.subarray(j * l.fanOut, (j + 1) * l.fanOut), floats: l.rowLength })),
      );
      applyTensor([{ offset: l.bias, values: gradients[2 * i + 1], floats: l.biasLength }]);
    });
  }

  /** The run's knob block in its record (layout.ts). */
  private knobsPointer(run: number): number {
    const { record } = kernelLayout();
    return this.wasm.valuesPointer(run) - (record.valuesAt - record.knobsAt);
  }

  /** Writes the run's learning rate and scalars for its current step (and its constants, under a schedule) into its record, by name; returns the rate. */
  private writeScalars(run: number, { setup, step }: RunState): number {
    const values = this.wasm.valuesPointer(run) / 4;
    const { learningRate, scalars, constants } = setup.stepValues(step);
    this.f32[this.knobsPointer(run) / 4 + KNOB_FIELDS.learningRate / 4] = learningRate;
    for (const [name, offset] of setup.scalarOffsets) this.f32[values + offset] = scalars[name];
    if (constants) for (const [name, offset] of setup.constantOffsets) this.f32[values + offset] = constants[name];
    return learningRate;
  }

  /** Profiling: the forward pass of `run` over the current batch; returns the loss sum. */
  profileForward(run: number): number {
    this.checkRun(run);
    if (!this.batchSize) throw new Error('No batch is prepared: call setBatch first.');
    return this.wasm.evaluate(run);
  }

  /** Profiling: forward and backward of `run` without the update; returns the mean loss. */
  profileGradients(run: number): number {
    this.checkRun(run);
    if (!this.batchSize) throw new Error('No batch is prepared: call setBatch first.');
    return this.wasm.gradientsOnly(run);
  }

  /** Drops the instance and its memory; the trainer cannot be used afterwards. */
  dispose(): void {
    this.exports = undefined;
    this.u8 = new Uint8Array(0);
    this.f32 = new Float32Array(0);
  }
}
