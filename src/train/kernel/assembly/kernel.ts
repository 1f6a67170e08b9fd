/**
 * Fused training kernel for the playground's networks: 784 pixels, 0 to 3 hidden
 * Dense layers (ReLU, tanh or sigmoid), 10 softmax outputs (AssemblyScript,
 * compiled twice: plain SIMD and relaxed SIMD; see scripts/build-kernel.ts).
 *
 * One call trains one batch for one optimizer run: forward, Keras's clipped
 * cross-entropy, backward and the update of every parameter tensor, with the
 * same float32 operations, in the same order, as the tfjs path (network.ts,
 * denseGradients.ts, the update programs). Sums are ordered differently, so results
 * agree to float32 rounding, not bit for bit.
 *
 * Memory is laid out once by init() and addRun(); nothing is allocated per batch.
 * Layer L's outputs are padded to pL = units rounded up to 4 (so every row is whole
 * SIMD vectors; the padding stays 0 because its gradient is 0). Layout of one run's
 * parameters (float32), K hidden layers:
 *   W1  [784][p1]       row-major, so a pixel's weights are contiguous
 *   b1  [p1]            (the "tail" starts here)
 *   Wk  [p(k-1)][pk]    hidden layers 2..K, row-major (input by input), each then
 *   bk  [pk]
 *   WoT [10][pK]        the output kernel transposed, so its products run along pK
 *   bo  [12]            10 used
 * With no hidden layer the first layer is the output layer: W1 [784][12], b1 [12].
 * For the article network (K = 1) that is W1, b1, W2T, b2 as before.
 * Each optimizer slot (m, v, ...) is a block with the same layout.
 *
 * The optimizer updates are generated from the optimizer definitions
 * (src/experiment/definitions/) into update.generated.ts by scripts/build-kernel.ts,
 * with the run record's layout: kind, parameter and slot block addresses, and the
 * run's named float32 constants and per-step scalars, which the host writes.
 */
import {
  accumulateSums,
  applyDirection,
  applyUpdate,
  hasMatrixStep,
  CLIP_GLOBAL,
  CLIP_NONE,
  CLIP_NORM,
  KNOB_CLIP_AMOUNT,
  KNOB_CLIP_MODE,
  KNOB_LEARNING_RATE,
  KNOB_WEIGHT_DECAY,
  KNOBS_AT,
  layoutHash as generatedLayoutHash,
  MATRIX_A,
  MATRIX_AT,
  MATRIX_B,
  MATRIX_C,
  MATRIX_ELEMENTWISE_WEIGHT_DECAY,
  MATRIX_SCALES,
  MATRIX_STEPS,
  MAX_SUMS,
  PARAMS_AT,
  RUN_RECORD,
  skipsZeroGradient,
  slotCount,
  SLOTS_AT,
  sumCount,
  VALUES_AT,
} from './update.generated';

const INPUTS: i32 = 784;
const CLASSES: i32 = 10;
const CLASSES_PADDED: i32 = 12;
const CLIP_LOW: f32 = 1e-7;
const CLIP_HIGH: f32 = <f32>(1 - 1e-7);

// First-layer modes for prepareBatch.
const MODE_AUTO = 0;
const MODE_DENSE = 2;

// Hidden activations; the wrapper uses the same numbers.
const RELU = 0;
const TANH = 1;
const SIGMOID = 2;

// What sumRows does with a finished sum: store it, relu(sum + bias), or sum + bias.
const FINISH_RAW = 0;
const FINISH_RELU = 1;
const FINISH_BIAS = 2;

// One record per dense layer (hidden layers, then the output layer) at layersPtr.
const LAYER_RECORD: usize = 32;
/** f64 sums per tensor of insideSums: w², (Δw)², then up to six slots' summary terms. */
const INSIDE_SUMS: usize = 8;
const L_IN = 0; // i32: real inputs
const L_OUT = 4; // i32: real outputs
const L_PAD = 8; // i32: outputs padded to 4 (the row length of W and of the buffers below)
const L_WEIGHTS = 12; // usize: byte offset of the kernel in a parameter block
const L_BIAS = 16; // usize: byte offset of the bias
const L_ACT = 20; // usize: maxBatch rows of pad floats, the layer's activations (hidden layers; logits without any)
const L_DPRE = 24; // usize: maxBatch rows of pad floats, the gradient w.r.t. its pre-activations

let hiddenLayers: i32 = 0; // K, 0 to 3
let activation: i32 = RELU;
let hp: i32 = 0; // first layer's outputs padded to a multiple of 4
let rowBytes: usize = 0; // bytes in one W1 row (hp floats)
let outRowBytes: usize = 0; // bytes in one row of WoT (the last hidden layer's padded width)
// Fixed by init(), so the per-example code reads them as the article-only kernel read its constants:
let outKernelOffset: usize = 0; // WoT's byte offset in a parameter block
let outBiasOffset: usize = 0; // bo's
let lastActPtr: usize = 0; // the last hidden layer's activations (K >= 1)
let lastDprePtr: usize = 0; // its pre-activation gradients
let gradOutKernelPtr: usize = 0; // WoT's gradient in gradTailPtr
let gradOutBiasPtr: usize = 0; // bo's gradient
let gradLastBiasPtr: usize = 0; // the last hidden layer's bias gradient (K >= 1)
let blockFloats: i32 = 0; // floats in one parameter block
let nextFree: usize = 0;

let tablePtr: usize = 0; // 256 f32: pixel byte -> scaled value, filled by the host
let stagingPtr: usize = 0; // maxBatch * 784 u8, written by the host
let labelsPtr: usize = 0; // maxBatch u8, written by the host
let densePtr: usize = 0; // maxBatch * 784 f32 (dense mode only)
let rowStartPtr: usize = 0; // maxBatch + 1 pointers into rowEntriesPtr
let rowEntriesPtr: usize = 0; // (byte offset pixel * 64 in a w1ChunksPtr chunk i32, value f32) per nonzero pixel, example by example
let rowPixelsPtr: usize = 0; // u16 pixel index of each row entry
let columnStartPtr: usize = 0; // 785 pointers into columnEntriesPtr
let columnCursorPtr: usize = 0; // 784 i32, counts then write cursors
let columnEntriesPtr: usize = 0; // (dpre row byte offset i32, value f32), pixel by pixel
let layersPtr: usize = 0; // LAYER_RECORD bytes per dense layer
let dprePtr: usize = 0; // the first layer's L_DPRE: gradient w.r.t. its pre-activations
let w1ChunksPtr: usize = 0; // W1 copied chunk-major, [ceil(hp/16)][784][16] floats (sparse first layer)
let hiddenAllPtr: usize = 0; // the first layer's L_ACT: every example's outputs of layer 1
let hiddenPtr: usize = 0; // the current example's row of the last hidden layer's activations
let gradRowPtr: usize = 0; // the longest row of any layer: one W1 row's gradient
let gradTailPtr: usize = 0; // gradients of everything after W1, laid out like the parameters
let logitsPtr: usize = 0; // 16 f32 scratch
let clipFactorsPtr: usize = 0; // per tensor (kernel, bias, layer by layer): clip-by-norm divisor or global scale
let sumsPtr: usize = 0; // MAX_SUMS f64: the current tensor's sums (Lamb's norms) between the two passes
let w1GradientPtr: usize = 0; // the whole W1 gradient, laid out as W1, for a two-pass update (reserved by the first run with sums)
let gradientSquaresPtr: usize = 0; // per tensor, f64: the sampled step's sum of squared gradients, before clipping
let previousPtr: usize = 0; // a parameter block: the sampled step's weights before it
let insideSumsPtr: usize = 0; // per tensor, INSIDE_SUMS f64: sum of w², of (Δw)², then each slot's summary terms
let runsPtr: usize = 0; // RUN_RECORD bytes per run
// Muon's matrix step, reserved by the first run that has one (addRun):
let matrixDirPtr: usize = 0; // a parameter block's layout: each kernel's direction u
let matrixOutPtr: usize = 0; // a block: the orthogonalised step, a wide matrix transposed, or applyGradientBlock's gradients
let nsPad: i32 = 0; // the largest Gram matrix's side (the smaller side of a kernel, padded to 4)
let nsAPtr: usize = 0; // five nsPad x nsPad double matrices for Newton-Schulz in Gram space
let nsA2Ptr: usize = 0;
let nsMPtr: usize = 0;
let nsPPtr: usize = 0;
let nsTPtr: usize = 0;
let nsP32Ptr: usize = 0; // the polynomial P / (||u|| + 1e-7) in float32, for the final product

let batchSize: i32 = 0;
let denseBatch: bool = false;
let columnsBuilt: bool = false; // columnStartPtr describes this batch (else columnCursorPtr holds the counts)
let lastCorrectCount: i32 = 0;

// ---- layout -------------------------------------------------------------------------

function reserve(bytes: usize): usize {
  const at = (nextFree + 63) & ~(<usize>63);
  nextFree = at + bytes;
  return at;
}

function ensureMemory(): bool {
  const needed = <i32>((nextFree + 0xffff) >>> 16);
  const have = memory.size();
  return needed <= have || memory.grow(needed - have) >= 0;
}

function paramFloats(): i32 {
  return blockFloats;
}

/** Byte offset of b1 in a parameter block; everything after W1 follows contiguously. */
function tailOffset(): usize {
  return <usize>INPUTS * rowBytes;
}

function tailBytes(): usize {
  return (<usize>blockFloats << 2) - tailOffset();
}

// @ts-ignore: decorator
@inline function layer(l: i32): usize {
  return layersPtr + <usize>l * LAYER_RECORD;
}

// @ts-ignore: decorator
@inline function layerInt(l: i32, field: usize): i32 {
  return load<i32>(layer(l) + field);
}

// @ts-ignore: decorator
@inline function layerPtr(l: i32, field: usize): usize {
  return load<usize>(layer(l) + field);
}

/**
 * Lays out the shared buffers for `layers` hidden layers of width0..width2 units
 * (unused widths ignored) with activation `act` (RELU, TANH, SIGMOID). Returns
 * false when memory cannot grow. The wrapper checks every size first.
 */
export function init(layers: i32, width0: i32, width1: i32, width2: i32, act: i32, batchCapacity: i32, runs: i32): bool {
  hiddenLayers = layers;
  activation = act;
  nextFree = __heap_base;
  w1GradientPtr = 0;
  const examples = <usize>batchCapacity;
  const pixels = examples * INPUTS;
  tablePtr = reserve(256 << 2);
  stagingPtr = reserve(pixels);
  labelsPtr = reserve(examples);
  densePtr = reserve(pixels << 2);
  rowStartPtr = reserve((examples + 1) << 2);
  rowEntriesPtr = reserve(pixels << 3);
  rowPixelsPtr = reserve(pixels << 1);
  columnStartPtr = reserve((INPUTS + 1) << 2);
  columnCursorPtr = reserve(INPUTS << 2);
  columnEntriesPtr = reserve(pixels << 3);
  layersPtr = reserve(<usize>(layers + 1) * LAYER_RECORD);
  // The layer records are written now: grow the memory that far first.
  if (!ensureMemory()) return false;
  // The layers' shapes and their places in a parameter block.
  let inputs = INPUTS;
  let offset: usize = 0;
  let longest = CLASSES_PADDED;
  for (let l = 0; l <= layers; l++) {
    const record = layer(l);
    const outputs = l == layers ? CLASSES : l == 0 ? width0 : l == 1 ? width1 : width2;
    const pad = l == layers ? CLASSES_PADDED : (outputs + 3) & ~3;
    const inPad = l == 0 ? INPUTS : (inputs + 3) & ~3;
    store<i32>(record + L_IN, inputs);
    store<i32>(record + L_OUT, outputs);
    store<i32>(record + L_PAD, pad);
    store<usize>(record + L_WEIGHTS, offset);
    if (l == layers && l > 0) {
      // The output kernel, transposed: 10 rows of the last hidden layer's padded width.
      offset += <usize>(CLASSES * inPad) << 2;
    } else {
      offset += <usize>(inPad * pad) << 2;
    }
    store<usize>(record + L_BIAS, offset);
    offset += <usize>pad << 2;
    if (pad > longest) longest = pad;
    inputs = outputs;
  }
  blockFloats = <i32>(offset >>> 2);
  hp = layerInt(0, L_PAD);
  rowBytes = <usize>hp << 2;
  outRowBytes = layers > 0 ? <usize>layerInt(layers - 1, L_PAD) << 2 : 0;
  // Activations and pre-activation gradients of every layer that has a row per example
  // (the hidden layers; with none, the first layer's logits).
  const buffered = layers > 0 ? layers : 1;
  for (let l = 0; l < buffered; l++) {
    const bytes = examples * (<usize>layerInt(l, L_PAD) << 2);
    store<usize>(layer(l) + L_DPRE, reserve(bytes));
    store<usize>(layer(l) + L_ACT, reserve(bytes));
  }
  dprePtr = layerPtr(0, L_DPRE);
  hiddenAllPtr = layerPtr(0, L_ACT);
  w1ChunksPtr = reserve(<usize>INPUTS * (((rowBytes + 63) >>> 6) << 6));
  gradRowPtr = reserve(<usize>longest << 2);
  gradTailPtr = reserve(tailBytes());
  logitsPtr = reserve(16 << 2);
  clipFactorsPtr = reserve(<usize>(layers + 1) << 3);
  sumsPtr = reserve(<usize>MAX_SUMS << 3);
  gradientSquaresPtr = reserve(<usize>(layers + 1) << 4);
  previousPtr = reserve(<usize>blockFloats << 2);
  insideSumsPtr = reserve(<usize>(layers + 1) * 2 * INSIDE_SUMS * 8);
  runsPtr = reserve(<usize>runs * RUN_RECORD);
  outKernelOffset = layerPtr(layers, L_WEIGHTS);
  outBiasOffset = layerPtr(layers, L_BIAS);
  gradOutKernelPtr = gradTailPtr + outKernelOffset - tailOffset();
  gradOutBiasPtr = gradTailPtr + outBiasOffset - tailOffset();
  if (layers > 0) {
    lastActPtr = layerPtr(layers - 1, L_ACT);
    lastDprePtr = layerPtr(layers - 1, L_DPRE);
    gradLastBiasPtr = gradTailPtr + layerPtr(layers - 1, L_BIAS) - tailOffset();
  }
  return ensureMemory();
}

/**
 * Allocates one run's parameters and the slot blocks of its optimizer variant
 * (`kind`, numbered as in update.generated.ts). The host then writes the weights,
 * the slots' initial values and the run's constants (valuesPointer). Returns
 * false when memory cannot grow.
 */
export function addRun(run: i32, kind: i32): bool {
  const record = runsPtr + <usize>run * RUN_RECORD;
  const bytes = <usize>paramFloats() << 2;
  const slots = slotCount(kind);
  if (sumCount(kind) > 0 && w1GradientPtr == 0) w1GradientPtr = reserve(tailOffset());
  memory.fill(record, 0, RUN_RECORD);
  store<i32>(record, kind);
  store<usize>(record, reserve(bytes), PARAMS_AT);
  for (let s = 0; s < slots; s++) store<usize>(record + (<usize>s << 2), reserve(bytes), SLOTS_AT);
  if (hasMatrixStep(kind) && matrixDirPtr == 0) reserveMatrixScratch();
  return ensureMemory();
}

/** The matrix step's buffers, shared by every run that has one (kernel.ts's kernelMemoryBytes follows this). */
function reserveMatrixScratch(): void {
  const bytes = <usize>paramFloats() << 2;
  matrixDirPtr = reserve(bytes);
  matrixOutPtr = reserve(bytes);
  let side = 0;
  for (let l = 0; l <= hiddenLayers; l++) {
    const inputs = layerInt(l, L_IN);
    const outputs = layerInt(l, L_OUT);
    const n = ((inputs < outputs ? inputs : outputs) + 3) & ~3;
    if (n > side) side = n;
  }
  nsPad = side;
  const square = <usize>(side * side) << 3;
  nsAPtr = reserve(square);
  nsA2Ptr = reserve(square);
  nsMPtr = reserve(square);
  nsPPtr = reserve(square);
  nsTPtr = reserve(square);
  nsP32Ptr = reserve(square >>> 1);
}

/** The interface version: the hash of the layout and programs update.generated.ts was generated from. */
export function layoutHash(): u32 {
  return generatedLayoutHash();
}

export function tablePointer(): usize {
  return tablePtr;
}
export function stagingPointer(): usize {
  return stagingPtr;
}
export function labelsPointer(): usize {
  return labelsPtr;
}
export function gradientRowPointer(): usize {
  return gradRowPtr;
}
export function paramsPointer(run: i32): usize {
  return load<usize>(runsPtr + <usize>run * RUN_RECORD, PARAMS_AT);
}
export function slotPointer(run: i32, slot: i32): usize {
  return load<usize>(runsPtr + <usize>run * RUN_RECORD + (<usize>slot << 2), SLOTS_AT);
}
/** The run's named float32 values (constants, then per-step scalars), as laid out in update.generated.ts. */
export function valuesPointer(run: i32): usize {
  return runsPtr + <usize>run * RUN_RECORD + VALUES_AT;
}
export function lastCorrect(): i32 {
  return lastCorrectCount;
}
/** Per tensor (kernel, bias, layer by layer), f64: the latest sampled step's sum of squared gradients (trainSampled). */
export function gradientSquaresPointer(): usize {
  return gradientSquaresPtr;
}
/** Per tensor, INSIDE_SUMS f64 (insideSums). */
export function insideSumsPointer(): usize {
  return insideSumsPtr;
}
export function memoryEnd(): usize {
  return nextFree;
}

// ---- batch preparation --------------------------------------------------------------

/**
 * Reads the host-written uint8 pixels of `count` examples, lists each example's
 * nonzero pixels and, when `columns`, also each pixel's nonzero examples (for the
 * weight gradient). Mode 0 picks dense when over half the pixels are nonzero;
 * 1 forces sparse, 2 dense. Returns 1 when the batch is dense.
 */
export function prepareBatch(count: i32, mode: i32, columns: bool): i32 {
  batchSize = count;
  denseBatch = mode == MODE_DENSE;
  columnsBuilt = false;
  if (!denseBatch) {
    const counts = columnCursorPtr;
    memory.fill(counts, 0, INPUTS << 2);
    let entry = rowEntriesPtr;
    let pixelOut = rowPixelsPtr;
    const zero = i8x16.splat(0);
    for (let b = 0; b < count; b++) {
      store<usize>(rowStartPtr + (<usize>b << 2), entry);
      const source = stagingPtr + <usize>b * INPUTS;
      // 784 = 49 * 16: one SIMD compare finds the nonzero pixels of 16.
      for (let i = 0; i < INPUTS; i += 16) {
        let mask = i8x16.bitmask(i8x16.ne(v128.load(source + i), zero));
        while (mask) {
          const pixel = i + ctz(mask);
          mask &= mask - 1;
          store<u32>(entry, <u32>(<usize>pixel << 6));
          store<f32>(entry, load<f32>(tablePtr + (<usize>load<u8>(source + pixel) << 2)), 4);
          entry += 8;
          store<u16>(pixelOut, <u16>pixel);
          pixelOut += 2;
          const counter = counts + (<usize>pixel << 2);
          store<i32>(counter, load<i32>(counter) + 1);
        }
      }
    }
    store<usize>(rowStartPtr + (<usize>count << 2), entry);
    const nonzero = <i32>((entry - rowEntriesPtr) >>> 3);
    denseBatch = mode == MODE_AUTO && nonzero * 2 > count * INPUTS;
    columnsBuilt = !denseBatch && columns;
    if (columnsBuilt) buildColumns(count);
  }
  if (denseBatch) {
    const pixels = <usize>count * INPUTS;
    for (let i: usize = 0; i < pixels; i++) store<f32>(densePtr + (i << 2), load<f32>(tablePtr + (<usize>load<u8>(stagingPtr + i) << 2)));
  }
  return denseBatch ? 1 : 0;
}

/** Transposes the row lists into per-pixel lists (a counting sort; counts are in columnCursorPtr). */
function buildColumns(count: i32): void {
  let at = columnEntriesPtr;
  for (let pixel = 0; pixel < INPUTS; pixel++) {
    const counter = columnCursorPtr + (<usize>pixel << 2);
    const n = load<i32>(counter);
    store<usize>(columnStartPtr + (<usize>pixel << 2), at);
    store<usize>(counter, at);
    at += <usize>n << 3;
  }
  store<usize>(columnStartPtr + (<usize>INPUTS << 2), at);
  let pixelIn = rowPixelsPtr;
  for (let b = 0; b < count; b++) {
    const end = load<usize>(rowStartPtr + (<usize>(b + 1) << 2));
    const dpreOffset = <u32>(<usize>b * rowBytes);
    for (let entry = load<usize>(rowStartPtr + (<usize>b << 2)); entry < end; entry += 8) {
      const cursor = columnCursorPtr + (<usize>load<u16>(pixelIn) << 2);
      pixelIn += 2;
      const out = load<usize>(cursor);
      store<u32>(out, dpreOffset);
      store<f32>(out, load<f32>(entry, 4), 4);
      store<usize>(cursor, out + 8);
    }
  }
}

// ---- arithmetic helpers -------------------------------------------------------------

/** a * b + c: fused where the relaxed build allows it, else two roundings. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline function lanesSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// ---- forward ------------------------------------------------------------------------

/** Stores a finished chunk: the sum itself (FINISH_RAW), relu(acc + bias) (FINISH_RELU) or acc + bias (FINISH_BIAS). */
// @ts-ignore: decorator
@inline function finish(out: usize, bias: usize, mode: i32, acc: v128): void {
  if (mode == FINISH_RELU) v128.store(out, f32x4.max(f32x4.add(acc, v128.load(bias)), f32x4.splat(0)));
  else if (mode == FINISH_BIAS) v128.store(out, f32x4.add(acc, v128.load(bias)));
  else v128.store(out, acc);
}

/**
 * The first layer's one operation, in four forms: out = sum over k of x_k * row_k
 * (hp floats), the rows taken either from a list of (byte offset from `base`, x)
 * pairs between `list` and `listEnd` (sparse), or as rows base + k * rowStride
 * with x_k at xs + k * xStride for k < count (dense). Forward: rows of W1 (or of a
 * later layer's kernel), out the layer's outputs. Weight gradient: rows of dpre,
 * out one row of dW.
 * 16 outputs at a time in 4 registers, two rows per iteration. With 8 registers
 * (32 outputs) V8 spilled one accumulator to the stack and the loop ran at half speed.
 */
// @ts-ignore: decorator
@inline function sumRows(
  sparse: bool, list: usize, listEnd: usize, count: i32, base: usize, xs: usize, xStride: usize, rowStride: usize,
  out: usize, bias: usize, mode: i32, from: usize, to: usize,
): void {
  let at = from;
  for (; at + 64 <= to; at += 64) {
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    if (sparse) {
      const pairsEnd = list + ((listEnd - list) & ~(<usize>15));
      let e = list;
      for (; e < pairsEnd; e += 16) {
        const r = base + <usize>load<u32>(e) + at;
        const x = v128.load32_splat(e, 4);
        const q = base + <usize>load<u32>(e, 8) + at;
        const y = v128.load32_splat(e, 12);
        // The pair is summed first, so each accumulator waits on one add per
        // iteration rather than on two dependent multiply-adds.
        a0 = f32x4.add(a0, madd(y, v128.load(q, 0), f32x4.mul(x, v128.load(r, 0))));
        a1 = f32x4.add(a1, madd(y, v128.load(q, 16), f32x4.mul(x, v128.load(r, 16))));
        a2 = f32x4.add(a2, madd(y, v128.load(q, 32), f32x4.mul(x, v128.load(r, 32))));
        a3 = f32x4.add(a3, madd(y, v128.load(q, 48), f32x4.mul(x, v128.load(r, 48))));
      }
      if (e < listEnd) {
        const r = base + <usize>load<u32>(e) + at;
        const x = v128.load32_splat(e, 4);
        a0 = madd(x, v128.load(r, 0), a0);
        a1 = madd(x, v128.load(r, 16), a1);
        a2 = madd(x, v128.load(r, 32), a2);
        a3 = madd(x, v128.load(r, 48), a3);
      }
    } else {
      let r = base + at;
      let xp = xs;
      let k = 0;
      for (; k + 1 < count; k += 2) {
        const x = v128.load32_splat(xp);
        const y = v128.load32_splat(xp + xStride);
        const q = r + rowStride;
        a0 = madd(y, v128.load(q, 0), madd(x, v128.load(r, 0), a0));
        a1 = madd(y, v128.load(q, 16), madd(x, v128.load(r, 16), a1));
        a2 = madd(y, v128.load(q, 32), madd(x, v128.load(r, 32), a2));
        a3 = madd(y, v128.load(q, 48), madd(x, v128.load(r, 48), a3));
        r += rowStride << 1;
        xp += xStride << 1;
      }
      if (k < count) {
        const x = v128.load32_splat(xp);
        a0 = madd(x, v128.load(r, 0), a0);
        a1 = madd(x, v128.load(r, 16), a1);
        a2 = madd(x, v128.load(r, 32), a2);
        a3 = madd(x, v128.load(r, 48), a3);
      }
    }
    finish(out + at, bias + at, mode, a0);
    finish(out + at + 16, bias + at + 16, mode, a1);
    finish(out + at + 32, bias + at + 32, mode, a2);
    finish(out + at + 48, bias + at + 48, mode, a3);
  }
  // hp not a multiple of 16: the last 4 to 12 outputs one vector at a time.
  for (; at < to; at += 16) {
    let a = f32x4.splat(0);
    if (sparse) {
      for (let e = list; e < listEnd; e += 8) a = madd(v128.load32_splat(e, 4), v128.load(base + <usize>load<u32>(e) + at), a);
    } else {
      let r = base + at;
      let xp = xs;
      for (let k = 0; k < count; k++, r += rowStride, xp += xStride) a = madd(v128.load32_splat(xp), v128.load(r), a);
    }
    finish(out + at, bias + at, mode, a);
  }
}

/** The first layer's sums for outputs [from, to) of every example, finished by `mode`. */
// @ts-ignore: decorator
@inline function firstLayerSums(w1: usize, b1: usize, mode: i32): void {
  const n = batchSize;
  for (let from: usize = 0; from < rowBytes; from += 64) {
    const to = min(from + 64, rowBytes);
    // Entry offsets are pixel * 64; sumRows adds the output offset `at` (from..to).
    const base = w1ChunksPtr + from * <usize>INPUTS - from;
    for (let b = 0; b < n; b++) {
      const out = hiddenAllPtr + <usize>b * rowBytes;
      if (denseBatch) {
        const xs = densePtr + <usize>b * (<usize>INPUTS << 2);
        sumRows(false, 0, 0, INPUTS, w1, xs, 4, rowBytes, out, b1, mode, from, to);
      } else {
        const list = load<usize>(rowStartPtr + (<usize>b << 2));
        const listEnd = load<usize>(rowStartPtr + (<usize>(b + 1) << 2));
        sumRows(true, list, listEnd, 0, base, 0, 0, 0, out, b1, mode, from, to);
      }
    }
  }
}

/**
 * Layer 1 for the whole batch: h[b] = act(x[b] W1 + b1) into hiddenAllPtr (without
 * hidden layers, the logits x[b] W1 + b1), from each example's nonzero pixels or
 * from all 784. Sparse batches read a chunk-major
 * copy of W1 and compute 16 outputs for every example before the next 16, so the
 * 16 columns in use are one contiguous 50 KB block (13 pages) that stays cached
 * across the batch; example by example, each nonzero pixel fetched a W1 row from
 * L2 through a 100-page working set (measured: the step ~10 % faster, copy included).
 * Each output's sum is the same as before, term for term. ReLU is applied as the
 * sums are stored; tanh and sigmoid in a pass over the rows (activateRows).
 */
function firstLayer(w1: usize, b1: usize): void {
  if (!denseBatch) {
    // Chunk c (outputs 16c..16c+15) of pixel p goes to w1ChunksPtr + c * 784 * 64 + p * 64.
    const chunkStride = <usize>INPUTS << 6;
    for (let pixel: usize = 0; pixel < <usize>INPUTS; pixel++) {
      // Pixels blank in the whole batch are never read.
      const blank = columnsBuilt
        ? load<usize>(columnStartPtr + (pixel << 2)) == load<usize>(columnStartPtr + ((pixel + 1) << 2))
        : load<i32>(columnCursorPtr + (pixel << 2)) == 0;
      if (blank) continue;
      const row = w1 + pixel * rowBytes;
      let to = w1ChunksPtr + (pixel << 6);
      for (let at: usize = 0; at < rowBytes; at += 16) {
        v128.store(to + ((at >>> 6) * chunkStride) + (at & 63), v128.load(row + at));
      }
    }
  }
  if (hiddenLayers > 0 && activation == RELU) firstLayerSums(w1, b1, FINISH_RELU);
  else firstLayerSums(w1, b1, FINISH_BIAS);
  if (hiddenLayers > 0) activateRows(hiddenAllPtr, 0);
}

/**
 * tanh or sigmoid (ReLU was applied when the sums were stored) over layer l's
 * rows, as tfjs's cpu kernels compute them: in double from the float32 input,
 * rounded to float32 once. Only the real units go through it: the padding lanes
 * must stay 0 (sigmoid(0) is 0.5) and are stored as 0 for certain.
 */
function activateRows(rows: usize, l: i32): void {
  if (activation == RELU) return;
  const units = layerInt(l, L_OUT);
  const pad = layerInt(l, L_PAD);
  const bytes = <usize>pad << 2;
  for (let b = 0; b < batchSize; b++) {
    const row = rows + <usize>b * bytes;
    if (activation == TANH) {
      for (let j = 0; j < units; j++) {
        const at = row + (<usize>j << 2);
        store<f32>(at, <f32>Math.tanh(<f64>load<f32>(at)));
      }
    } else {
      for (let j = 0; j < units; j++) {
        const at = row + (<usize>j << 2);
        store<f32>(at, <f32>(1.0 / (1.0 + Math.exp(-<f64>load<f32>(at)))));
      }
    }
    for (let j = units; j < pad; j++) store<f32>(row + (<usize>j << 2), 0);
  }
}

/**
 * Hidden layers 2..K for the whole batch, dense: h_l[b] = act(h_(l-1)[b] W_l + b_l),
 * summed over the previous layer's real units (its padding is 0).
 */
function laterLayers(params: usize): void {
  for (let l = 1; l < hiddenLayers; l++) {
    const inputs = layerInt(l - 1, L_OUT);
    const inBytes = <usize>layerInt(l - 1, L_PAD) << 2;
    const outBytes = <usize>layerInt(l, L_PAD) << 2;
    const w = params + layerPtr(l, L_WEIGHTS);
    const bias = params + layerPtr(l, L_BIAS);
    const input = layerPtr(l - 1, L_ACT);
    const output = layerPtr(l, L_ACT);
    const relu = activation == RELU;
    for (let b = 0; b < batchSize; b++) {
      const xs = input + <usize>b * inBytes;
      const out = output + <usize>b * outBytes;
      if (relu) sumRows(false, 0, 0, inputs, w, xs, 4, outBytes, out, bias, FINISH_RELU, 0, outBytes);
      else sumRows(false, 0, 0, inputs, w, xs, 4, outBytes, out, bias, FINISH_BIAS, 0, outBytes);
    }
    activateRows(output, l);
  }
}

/** Every layer before the output products, for the whole batch. */
// @ts-ignore: decorator
@inline function forwardLayers(params: usize): void {
  firstLayer(params, params + tailOffset());
  if (hiddenLayers > 1) laterLayers(params);
}

/** One W1 row's gradient: the sum over examples b of x[b, pixel] * dpre[b], into `out` (gradRowPtr but for a two-pass update). */
function gradientRow(pixel: i32, out: usize): void {
  if (denseBatch) {
    const xs = densePtr + (<usize>pixel << 2);
    sumRows(false, 0, 0, batchSize, dprePtr, xs, <usize>INPUTS << 2, rowBytes, out, 0, FINISH_RAW, 0, rowBytes);
  } else {
    const list = load<usize>(columnStartPtr + (<usize>pixel << 2));
    const listEnd = load<usize>(columnStartPtr + (<usize>(pixel + 1) << 2));
    sumRows(true, list, listEnd, 0, dprePtr, 0, 0, 0, out, 0, FINISH_RAW, 0, rowBytes);
  }
}

/**
 * Five of the logits, classes c..c+4: sum_j h[j] W2T[c, j] + b2[c], into logitsPtr.
 * Five at a time so accumulators and loads fit V8's 15 vector registers.
 */
function logitsFive(w2t: usize, b2: usize, c: usize): void {
  let z0 = f32x4.splat(0), z1 = z0, z2 = z0, z3 = z0, z4 = z0;
  const r = outRowBytes;
  const w = w2t + c * r;
  for (let at: usize = 0; at < r; at += 16) {
    const h = v128.load(hiddenPtr + at);
    const wa = w + at;
    z0 = madd(h, v128.load(wa), z0);
    z1 = madd(h, v128.load(wa + r), z1);
    z2 = madd(h, v128.load(wa + 2 * r), z2);
    z3 = madd(h, v128.load(wa + 3 * r), z3);
    z4 = madd(h, v128.load(wa + 4 * r), z4);
  }
  const out = logitsPtr + (c << 2);
  const bias = b2 + (c << 2);
  store<f32>(out, lanesSum(z0) + load<f32>(bias, 0), 0);
  store<f32>(out, lanesSum(z1) + load<f32>(bias, 4), 4);
  store<f32>(out, lanesSum(z2) + load<f32>(bias, 8), 8);
  store<f32>(out, lanesSum(z3) + load<f32>(bias, 12), 12);
  store<f32>(out, lanesSum(z4) + load<f32>(bias, 16), 16);
}

/** logits = h W2 + b2 into logitsPtr[0..10). */
// @ts-ignore: decorator
@inline function logits(w2t: usize, b2: usize): void {
  logitsFive(w2t, b2, 0);
  logitsFive(w2t, b2, 5);
}

/**
 * Softmax of the logits in place, as tfjs's cpu kernel computes it (max, exp in
 * double rounded to float, sum in double); returns Keras's loss for the example
 * (renormalise, clip to [1e-7, 1 - 1e-7], -log) and counts a correct argmax.
 * NaN anywhere makes the loss NaN.
 */
function softmaxLoss(label: i32): f32 {
  let top = load<f32>(logitsPtr);
  for (let c = 1; c < CLASSES; c++) {
    const z = load<f32>(logitsPtr + (<usize>c << 2));
    if (isNaN(z) || z > top) top = z;
  }
  let total: f64 = 0;
  for (let c = 0; c < CLASSES; c++) {
    const at = logitsPtr + (<usize>c << 2);
    const e = <f32>Math.exp(<f64>(load<f32>(at) - top));
    store<f32>(at, e);
    total += e;
  }
  const sum = <f32>total;
  let check: f64 = 0;
  let best: i32 = 0;
  let bestP = load<f32>(logitsPtr) / sum;
  for (let c = 0; c < CLASSES; c++) {
    const at = logitsPtr + (<usize>c << 2);
    const p = load<f32>(at) / sum;
    store<f32>(at, p);
    check += p;
    if (p > bestP) {
      bestP = p;
      best = c;
    }
  }
  if (best == label) lastCorrectCount++;
  let p = load<f32>(logitsPtr + (<usize>label << 2)) / <f32>check;
  // clipByValue: NaN stays NaN.
  p = p > CLIP_HIGH ? CLIP_HIGH : p < CLIP_LOW ? CLIP_LOW : p;
  return -<f32>Math.log(<f64>p);
}

/**
 * The output layer and the loss of example b (after forwardLayers); returns its
 * loss, probabilities in logitsPtr. Without hidden layers the logits are the
 * first layer's outputs.
 */
// @ts-ignore: decorator
@inline function forwardExample(params: usize, b: i32): f32 {
  if (hiddenLayers == 0) {
    memory.copy(logitsPtr, hiddenAllPtr + <usize>b * rowBytes, <usize>CLASSES << 2);
  } else {
    hiddenPtr = lastActPtr + <usize>b * outRowBytes;
    logits(params + outKernelOffset, params + outBiasOffset);
  }
  return softmaxLoss(<i32>load<u8>(labelsPtr + <usize>b));
}

// ---- backward -----------------------------------------------------------------------

/**
 * The logits' gradient of example b's share of the mean loss, in logitsPtr:
 * (p - y) / batch where the true class's probability lies inside the clip range,
 * else 0 (as denseGradients.ts); accumulated into the output bias's gradient gbo.
 */
// @ts-ignore: decorator
@inline function logitsGradient(label: i32, inverseBatch: f32, gbo: usize): void {
  const pTrue = load<f32>(logitsPtr + (<usize>label << 2));
  const scale: f32 = pTrue >= CLIP_LOW && pTrue <= CLIP_HIGH ? inverseBatch : 0;
  for (let c = 0; c < CLASSES; c++) {
    const at = logitsPtr + (<usize>c << 2);
    const d = (load<f32>(at) - (c == label ? <f32>1 : <f32>0)) * scale;
    store<f32>(at, d);
    store<f32>(gbo + (<usize>c << 2), load<f32>(gbo + (<usize>c << 2)) + d);
  }
}

/**
 * Gradient through the activation, from its output h, as tfjs's gradients:
 * ReLU passes dh where h > 0 (its input was > 0); tanh (1 - h^2) dh; sigmoid dh (h (1 - h)).
 */
// @ts-ignore: decorator
@inline function activationGradient(act: i32, dh: v128, h: v128): v128 {
  if (act == RELU) return v128.and(dh, f32x4.gt(h, f32x4.splat(0)));
  const one = f32x4.splat(1);
  if (act == TANH) return f32x4.mul(f32x4.sub(one, f32x4.mul(h, h)), dh);
  return f32x4.mul(dh, f32x4.mul(h, f32x4.sub(one, h)));
}

/** dpre = act'(dh) in place over one row (h the activations), added to the bias gradient gb. */
// @ts-ignore: decorator
@inline function throughActivation(act: i32, row: usize, h: usize, gb: usize, bytes: usize): void {
  for (let at: usize = 0; at < bytes; at += 16) {
    const g = activationGradient(act, v128.load(row + at), v128.load(h + at));
    v128.store(row + at, g);
    v128.store(gb + at, f32x4.add(v128.load(gb + at), g));
  }
}

/**
 * Example b's gradients through the output layer (with hidden layers): accumulates
 * into the output kernel's and both biases' gradients (gb1: the last hidden
 * layer's bias) and stores that layer's pre-activation gradient row dpre[b].
 */
// @ts-ignore: decorator
@inline function backwardOutput(w2t: usize, b: i32, act: i32, gb1: usize, gw2t: usize, dpreRows: usize): void {
  const r = outRowBytes;
  // dW2T[c] += d_c h, one class at a time.
  for (let c: usize = 0; c < <usize>CLASSES; c++) {
    const d = v128.load32_splat(logitsPtr + (c << 2));
    const g = gw2t + c * r;
    for (let at: usize = 0; at < r; at += 16) v128.store(g + at, madd(d, v128.load(hiddenPtr + at), v128.load(g + at)));
  }
  // dh = sum_c d_c W2T[c] in class order, five classes per pass (register pressure);
  // the first pass leaves its partial sum in dpre[b].
  const dpre = dpreRows + <usize>b * r;
  const d0 = v128.load32_splat(logitsPtr, 0), d1 = v128.load32_splat(logitsPtr, 4), d2 = v128.load32_splat(logitsPtr, 8);
  const d3 = v128.load32_splat(logitsPtr, 12), d4 = v128.load32_splat(logitsPtr, 16);
  for (let at: usize = 0; at < r; at += 16) {
    const w = w2t + at;
    let dh = f32x4.mul(d0, v128.load(w));
    dh = madd(d1, v128.load(w + r), dh);
    dh = madd(d2, v128.load(w + 2 * r), dh);
    dh = madd(d3, v128.load(w + 3 * r), dh);
    dh = madd(d4, v128.load(w + 4 * r), dh);
    v128.store(dpre + at, dh);
  }
  const d5 = v128.load32_splat(logitsPtr, 20), d6 = v128.load32_splat(logitsPtr, 24), d7 = v128.load32_splat(logitsPtr, 28);
  const d8 = v128.load32_splat(logitsPtr, 32), d9 = v128.load32_splat(logitsPtr, 36);
  const w5 = w2t + 5 * r;
  for (let at: usize = 0; at < r; at += 16) {
    const w = w5 + at;
    let dh = madd(d5, v128.load(w), v128.load(dpre + at));
    dh = madd(d6, v128.load(w + r), dh);
    dh = madd(d7, v128.load(w + 2 * r), dh);
    dh = madd(d8, v128.load(w + 3 * r), dh);
    dh = madd(d9, v128.load(w + 4 * r), dh);
    const d = activationGradient(act, dh, v128.load(hiddenPtr + at));
    v128.store(dpre + at, d);
    v128.store(gb1 + at, f32x4.add(v128.load(gb1 + at), d));
  }
}

/**
 * Gradients of example b's share of the mean loss through the output layer:
 * the output kernel's and biases' gradients, and the pre-activation gradient row
 * dpre[b] of the layer below (the first layer's, for the W1 pass, when K <= 1).
 */
function backwardExample(params: usize, b: i32, label: i32, inverseBatch: f32): void {
  logitsGradient(label, inverseBatch, gradOutBiasPtr);
  if (hiddenLayers == 0) {
    // The logits are the first layer's outputs: dpre[b] is their gradient (padding 0).
    const dpre = dprePtr + <usize>b * rowBytes;
    memory.copy(dpre, logitsPtr, <usize>CLASSES << 2);
    store<u64>(dpre + (<usize>CLASSES << 2), 0);
    return;
  }
  const w2t = params + outKernelOffset;
  const gw2t = gradOutKernelPtr;
  const gb1 = gradLastBiasPtr;
  const dpreRows = lastDprePtr;
  if (activation == RELU) backwardOutput(w2t, b, RELU, gb1, gw2t, dpreRows);
  else if (activation == TANH) backwardOutput(w2t, b, TANH, gb1, gw2t, dpreRows);
  else backwardOutput(w2t, b, SIGMOID, gb1, gw2t, dpreRows);
}

/**
 * The hidden layers' gradients from K down to 2, for the whole batch (after
 * backwardExample): layer l's kernel gradient dW_l = h_(l-1)^T dpre_l into the
 * tail's gradients, then dpre_(l-1) = act'(dpre_l W_l^T) and its bias gradient.
 * Every weight is read before any update, as in tfjs.
 */
function backwardLaterLayers(params: usize): void {
  const n = batchSize;
  for (let l = hiddenLayers - 1; l >= 1; l--) {
    const inputs = layerInt(l - 1, L_OUT);
    const inPad = layerInt(l - 1, L_PAD);
    const inBytes = <usize>inPad << 2;
    const outBytes = <usize>layerInt(l, L_PAD) << 2;
    const w = params + layerPtr(l, L_WEIGHTS);
    const gw = gradTailPtr + (layerPtr(l, L_WEIGHTS) - tailOffset());
    const gbIn = gradTailPtr + (layerPtr(l - 1, L_BIAS) - tailOffset());
    const hIn = layerPtr(l - 1, L_ACT);
    const dpreOut = layerPtr(l, L_DPRE);
    const dpreIn = layerPtr(l - 1, L_DPRE);
    // dW_l row i = sum over b of h_(l-1)[b, i] dpre_l[b] (rows of padding units stay 0).
    for (let i = 0; i < inputs; i++) {
      sumRows(false, 0, 0, n, dpreOut, hIn + (<usize>i << 2), inBytes, outBytes, gw + <usize>i * outBytes, 0, FINISH_RAW, 0, outBytes);
    }
    // dh_(l-1)[b, i] = W_l row i . dpre_l[b], four rows at a time; padding rows of W_l are 0.
    for (let b = 0; b < n; b++) {
      const d = dpreOut + <usize>b * outBytes;
      const out = dpreIn + <usize>b * inBytes;
      for (let i = 0; i < inPad; i += 4) {
        const r0 = w + <usize>i * outBytes;
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
        for (let at: usize = 0; at < outBytes; at += 16) {
          const x = v128.load(d + at);
          const r = r0 + at;
          a0 = madd(x, v128.load(r), a0);
          a1 = madd(x, v128.load(r + outBytes), a1);
          a2 = madd(x, v128.load(r + 2 * outBytes), a2);
          a3 = madd(x, v128.load(r + 3 * outBytes), a3);
        }
        const at = out + (<usize>i << 2);
        store<f32>(at, lanesSum(a0), 0);
        store<f32>(at, lanesSum(a1), 4);
        store<f32>(at, lanesSum(a2), 8);
        store<f32>(at, lanesSum(a3), 12);
      }
      const h = hIn + <usize>b * inBytes;
      if (activation == RELU) throughActivation(RELU, out, h, gbIn, inBytes);
      else if (activation == TANH) throughActivation(TANH, out, h, gbIn, inBytes);
      else throughActivation(SIGMOID, out, h, gbIn, inBytes);
    }
  }
}

// ---- update -------------------------------------------------------------------------

/**
 * Applies run's update rule (generated, update.generated.ts) to `bytes` bytes of
 * parameters at byte offset `offset` (and the same offset in each slot block),
 * with gradients at `g`; the run's constants and this step's scalars are in its record.
 */
function update(run: i32, offset: usize, g: usize, bytes: usize): void {
  applyUpdate(runsPtr + <usize>run * RUN_RECORD, offset, g, bytes, sumsPtr);
}

// ---- sums over a whole tensor (a program's \`sum\` nodes: Lamb's norms) -----------------

/** Starts a tensor's sums at zero (before its first pass). */
function clearSums(): void {
  memory.fill(sumsPtr, 0, <usize>MAX_SUMS << 3);
}

/** First pass over `bytes` bytes of one tensor at byte offset `offset`: adds to its sums, writes nothing else. */
function accumulate(run: i32, offset: usize, g: usize, bytes: usize): void {
  accumulateSums(runsPtr + <usize>run * RUN_RECORD, offset, g, bytes, sumsPtr);
}

/** Byte offset of tensor t (tensorStart's numbering) in a parameter block. */
// @ts-ignore: decorator
@inline function tensorOffset(t: i32): usize {
  return tensorStart(t) - gradTailPtr + tailOffset();
}

// ---- shared knobs (experiment/knobs.ts): clipping and weight decay -------------------

/** Keras's decoupled weight decay on a whole parameter block: w - w * wd * lr, in float32. */
function decayWeights(params: usize, weightDecay: f32, learningRate: f32): void {
  decayRange(params, <usize>blockFloats << 2, weightDecay, learningRate);
}

/**
 * Muon's decay (its _apply_weight_decay): the kernels by the shared knob's weight decay,
 * the biases by the elementwise step's own (adam_weight_decay).
 */
function decayMatrixRun(params: usize, record: usize, learningRate: f32): void {
  const matrices = load<f32>(record, KNOBS_AT + KNOB_WEIGHT_DECAY);
  const others = load<f32>(record, MATRIX_AT + MATRIX_ELEMENTWISE_WEIGHT_DECAY);
  for (let l = 0; l <= hiddenLayers; l++) {
    const kernel = layerPtr(l, L_WEIGHTS);
    const bias = layerPtr(l, L_BIAS);
    if (matrices != 0) decayRange(params + kernel, bias - kernel, matrices, learningRate);
    if (others != 0) decayRange(params + bias, <usize>layerInt(l, L_PAD) << 2, others, learningRate);
  }
}

/** w - w * wd * lr over `bytes` bytes at `start`. */
function decayRange(start: usize, bytes: usize, weightDecay: f32, learningRate: f32): void {
  const wd = f32x4.splat(weightDecay);
  const lr = f32x4.splat(learningRate);
  const end = start + bytes;
  for (let at = start; at < end; at += 16) {
    const w = v128.load(at);
    v128.store(at, f32x4.sub(w, f32x4.mul(f32x4.mul(w, wd), lr)));
  }
}

/** Sum of squares of `bytes` bytes of floats, accumulated in double. */
function sumOfSquares(at: usize, bytes: usize): f64 {
  let sum: f64 = 0;
  for (let i: usize = 0; i < bytes; i += 4) {
    const x = <f64>load<f32>(at + i);
    sum += x * x;
  }
  return sum;
}

/** Tensor t's place in the gradient tail (t = 2l + 1 is layer l's bias; kernels from layer 1 on are even). */
// @ts-ignore: decorator
@inline function tensorStart(t: i32): usize {
  const l = t >> 1;
  return gradTailPtr + (t & 1 ? layerPtr(l, L_BIAS) : layerPtr(l, L_WEIGHTS)) - tailOffset();
}

// @ts-ignore: decorator
@inline function tensorBytes(t: i32): usize {
  const l = t >> 1;
  return t & 1 ? <usize>layerInt(l, L_PAD) << 2 : layerPtr(l, L_BIAS) - layerPtr(l, L_WEIGHTS);
}

/**
 * Clip by norm and by global norm need every gradient before any is applied, but
 * W1's rows are computed one at a time: they are computed once more here just for
 * their norm (only runs that clip by norm pay for it). Writes each tensor's
 * divisor max(norm, clipnorm) (clip by norm) or the one global scale.
 */
function clipFactors(mode: i32, amount: f32): void {
  const tensors = (hiddenLayers + 1) << 1;
  let w1: f64 = 0;
  for (let pixel = 0; pixel < INPUTS; pixel++) {
    const blank = !denseBatch && load<usize>(columnStartPtr + (<usize>pixel << 2)) == load<usize>(columnStartPtr + (<usize>(pixel + 1) << 2));
    if (blank) continue;
    gradientRow(pixel, gradRowPtr);
    w1 += sumOfSquares(gradRowPtr, rowBytes);
  }
  let total: f64 = 0;
  for (let t = 0; t < tensors; t++) {
    const l2sum = <f32>(t == 0 ? w1 : sumOfSquares(tensorStart(t), tensorBytes(t)));
    total += <f64>l2sum;
    // Keras's _clip_by_norm: the norm where the sum is positive, else the sum itself (0).
    const norm: f32 = l2sum > 0 ? Mathf.sqrt(l2sum) : l2sum;
    store<f32>(clipFactorsPtr + (<usize>t << 2), norm > amount ? norm : amount);
  }
  if (mode == CLIP_GLOBAL) {
    const norm = Mathf.sqrt(<f32>total);
    // clip_by_global_norm: clip * min(1 / norm, 1 / clip) + (norm - norm), NaN when the norm is not finite.
    const inverse: f32 = <f32>1 / norm;
    const inverseClip: f32 = <f32>1 / amount;
    store<f32>(clipFactorsPtr, amount * (inverse < inverseClip ? inverse : inverseClip) + (norm - norm));
  }
}

/** Clips `bytes` bytes of gradient at `g` that belong to tensor t, as the run's clip mode says. */
function clipGradient(g: usize, bytes: usize, t: i32, mode: i32, amount: f32): void {
  const a = f32x4.splat(amount);
  if (mode == CLIP_NORM) {
    const divisor = f32x4.splat(load<f32>(clipFactorsPtr + (<usize>t << 2)));
    for (let i: usize = 0; i < bytes; i += 16) v128.store(g + i, f32x4.div(f32x4.mul(v128.load(g + i), a), divisor));
  } else if (mode == CLIP_GLOBAL) {
    const scale = f32x4.splat(load<f32>(clipFactorsPtr));
    for (let i: usize = 0; i < bytes; i += 16) v128.store(g + i, f32x4.mul(v128.load(g + i), scale));
  } else {
    const low = f32x4.neg(a);
    for (let i: usize = 0; i < bytes; i += 16) v128.store(g + i, f32x4.min(f32x4.max(v128.load(g + i), low), a));
  }
}

/** Clips the whole gradient tail, tensor by tensor (b1, then each later layer's kernel and bias). */
function clipTail(mode: i32, amount: f32): void {
  const tensors = (hiddenLayers + 1) << 1;
  for (let t = 1; t < tensors; t++) clipGradient(tensorStart(t), tensorBytes(t), t, mode, amount);
}

// ---- Muon's matrix step (variants with hasMatrixStep) ---------------------------------

/**
 * C = A·B over rows x cols of C: C[i][j] = sum over k < inner of A(i, k)·B[k][j], with
 * A(i, k) at a + i·aRow + k·aCol, B's row k at b + k·bRow and C's row i at c + i·cRow
 * (bytes); cols a multiple of 4. Two rows of C and 16 columns at a time (8 vector
 * accumulators, as V8's 15 registers allow).
 */
function matmul(c: usize, cRow: usize, a: usize, aRow: usize, aCol: usize, b: usize, bRow: usize, rows: i32, inner: i32, cols: i32): void {
  for (let i = 0; i < rows; i += 2) {
    const pair = i + 1 < rows;
    const a0 = a + <usize>i * aRow;
    const a1 = pair ? a0 + aRow : a0;
    const c0 = c + <usize>i * cRow;
    const c1 = pair ? c0 + cRow : c0;
    let j = 0;
    for (; j + 16 <= cols; j += 16) {
      let x0 = f32x4.splat(0), x1 = x0, x2 = x0, x3 = x0, y0 = x0, y1 = x0, y2 = x0, y3 = x0;
      let bk = b + (<usize>j << 2);
      let ak: usize = 0;
      for (let k = 0; k < inner; k++) {
        const p = f32x4.splat(load<f32>(a0 + ak));
        const q = f32x4.splat(load<f32>(a1 + ak));
        const v0 = v128.load(bk), v1 = v128.load(bk, 16), v2 = v128.load(bk, 32), v3 = v128.load(bk, 48);
        x0 = madd(p, v0, x0); x1 = madd(p, v1, x1); x2 = madd(p, v2, x2); x3 = madd(p, v3, x3);
        y0 = madd(q, v0, y0); y1 = madd(q, v1, y1); y2 = madd(q, v2, y2); y3 = madd(q, v3, y3);
        ak += aCol;
        bk += bRow;
      }
      const at = <usize>j << 2;
      v128.store(c0 + at, x0); v128.store(c0 + at, x1, 16); v128.store(c0 + at, x2, 32); v128.store(c0 + at, x3, 48);
      if (pair) {
        v128.store(c1 + at, y0); v128.store(c1 + at, y1, 16); v128.store(c1 + at, y2, 32); v128.store(c1 + at, y3, 48);
      }
    }
    for (; j < cols; j += 4) {
      let x0 = f32x4.splat(0), y0 = x0;
      let bk = b + (<usize>j << 2);
      let ak: usize = 0;
      for (let k = 0; k < inner; k++) {
        const v0 = v128.load(bk);
        x0 = madd(f32x4.splat(load<f32>(a0 + ak)), v0, x0);
        y0 = madd(f32x4.splat(load<f32>(a1 + ak)), v0, y0);
        ak += aCol;
        bk += bRow;
      }
      v128.store(c0 + (<usize>j << 2), x0);
      if (pair) v128.store(c1 + (<usize>j << 2), y0);
    }
  }
}

// @ts-ignore: decorator
@inline function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

/**
 * matmul's float64 form for Gram space, two rows of C and 8 columns at a time:
 * `single` (A and B float32, promoted; for the Gram matrix of a kernel) or double.
 * Rows and columns of C are doubles (8 bytes); aCol, aRow, bRow in bytes.
 */
function matmul64(c: usize, cRow: usize, a: usize, aRow: usize, aCol: usize, b: usize, bRow: usize, rows: i32, inner: i32, cols: i32, single: bool): void {
  for (let i = 0; i < rows; i += 2) {
    const pair = i + 1 < rows;
    const a0 = a + <usize>i * aRow;
    const a1 = pair ? a0 + aRow : a0;
    const c0 = c + <usize>i * cRow;
    const c1 = pair ? c0 + cRow : c0;
    // C is symmetric here: each row pair starts at its own 8-column block, the rest is mirrored.
    for (let j = i & ~7; j < cols; j += 8) {
      let x0 = f64x2.splat(0), x1 = x0, x2 = x0, x3 = x0, y0 = x0, y1 = x0, y2 = x0, y3 = x0;
      let bk = b + (<usize>j << (single ? 2 : 3));
      let ak: usize = 0;
      for (let k = 0; k < inner; k++) {
        let p: v128, q: v128, v0: v128, v1: v128, v2: v128, v3: v128;
        if (single) {
          p = f64x2.splat(<f64>load<f32>(a0 + ak));
          q = f64x2.splat(<f64>load<f32>(a1 + ak));
          v0 = f64x2.promote_low_f32x4(v128.load64_zero(bk));
          v1 = f64x2.promote_low_f32x4(v128.load64_zero(bk, 8));
          v2 = f64x2.promote_low_f32x4(v128.load64_zero(bk, 16));
          v3 = f64x2.promote_low_f32x4(v128.load64_zero(bk, 24));
        } else {
          p = f64x2.splat(load<f64>(a0 + ak));
          q = f64x2.splat(load<f64>(a1 + ak));
          v0 = v128.load(bk);
          v1 = v128.load(bk, 16);
          v2 = v128.load(bk, 32);
          v3 = v128.load(bk, 48);
        }
        x0 = madd64(p, v0, x0); x1 = madd64(p, v1, x1); x2 = madd64(p, v2, x2); x3 = madd64(p, v3, x3);
        y0 = madd64(q, v0, y0); y1 = madd64(q, v1, y1); y2 = madd64(q, v2, y2); y3 = madd64(q, v3, y3);
        ak += aCol;
        bk += bRow;
      }
      // cols is a multiple of 4: the second half of a block may be past the end.
      const at = <usize>j << 3;
      v128.store(c0 + at, x0); v128.store(c0 + at, x1, 16);
      if (pair) { v128.store(c1 + at, y0); v128.store(c1 + at, y1, 16); }
      if (j + 8 <= cols) {
        v128.store(c0 + at, x2, 32); v128.store(c0 + at, x3, 48);
        if (pair) { v128.store(c1 + at, y2, 32); v128.store(c1 + at, y3, 48); }
      }
    }
  }
  for (let i = 0; i < rows; i++) {
    const from = i & ~7;
    for (let j = 0; j < from; j++) store<f64>(c + <usize>i * cRow + (<usize>j << 3), load<f64>(c + <usize>j * cRow + (<usize>i << 3)));
  }
}

/** x = x * s + y * t over `bytes` bytes of doubles (y may be 0 to scale only). */
function scaleAdd64(x: usize, s: f64, y: usize, t: f64, bytes: usize): void {
  const sv = f64x2.splat(s);
  const tv = f64x2.splat(t);
  for (let i: usize = 0; i < bytes; i += 16) {
    const v = f64x2.mul(v128.load(x + i), sv);
    v128.store(x + i, y == 0 ? v : f64x2.add(v, f64x2.mul(v128.load(y + i), tv)));
  }
}

/**
 * Newton-Schulz in Gram space. Keras's iteration X <- a X + (b A + c A^2) X with A = X X^T
 * keeps every iterate X_k = P_k X_0 with P_k a polynomial in G = X_0 X_0^T: so
 * A_0 = G, M_k = a I + b A_k + c A_k^2, P_(k+1) = M_k P_k and A_(k+1) = M_k A_k M_k
 * (they all commute, and are symmetric). That is one Gram product of the kernel,
 * products of n x n matrices (n its smaller side) and one final P X_0, instead of
 * three products with the whole kernel per iteration: for 784 x 128 about 37 M
 * multiply-adds a step instead of 140 M. The Gram matrix squares the kernel's condition
 * number, so Gram space is computed in double (in float32 the small singular values
 * drown in A's rounding: 6e-4 of the step off Keras's result on MNIST's W1, against
 * 3e-6 in double); the final product is float32. nsAPtr holds A_0 (n real, np padded,
 * rows and columns past n zero); leaves P in nsPPtr.
 */
function gramPolynomial(n: i32, np: i32, a: f64, b: f64, c: f64, steps: i32): void {
  const row = <usize>np << 3;
  const bytes = <usize>np * row;
  let A = nsAPtr, A2 = nsA2Ptr, P = nsPPtr, T = nsTPtr;
  const M = nsMPtr;
  if (steps == 0) {
    memory.fill(P, 0, bytes);
    for (let i = 0; i < n; i++) store<f64>(P + <usize>i * row + (<usize>i << 3), 1);
  }
  for (let k = 0; k < steps; k++) {
    matmul64(A2, row, A, row, 8, A, row, n, n, np, false);
    memory.copy(M, A, bytes);
    scaleAdd64(M, b, A2, c, bytes);
    for (let i = 0; i < n; i++) {
      const at = M + <usize>i * row + (<usize>i << 3);
      store<f64>(at, load<f64>(at) + a);
    }
    if (k == 0) {
      memory.copy(P, M, bytes);
    } else {
      matmul64(T, row, M, row, 8, P, row, n, n, np, false);
      const swap = P;
      P = T;
      T = swap;
    }
    if (k + 1 < steps) {
      matmul64(T, row, M, row, 8, A, row, n, n, np, false);
      matmul64(A2, row, T, row, 8, M, row, n, n, np, false);
      const swap = A;
      A = A2;
      A2 = swap;
    }
  }
  if (P != nsPPtr) memory.copy(nsPPtr, P, bytes);
}

/**
 * Layer l's kernel: its direction u (in matrixDirPtr) orthogonalised as Keras's
 * zeropower_via_newtonschulz5 computes it (u / (||u||_F + 1e-7), then the iterations
 * on the smaller side), then w -= ((lr * O) * f1) * f2 with the layer's two factors.
 */
function matrixStep(params: usize, l: i32, record: usize, learningRate: f32): void {
  const transposed = l == hiddenLayers && l > 0;
  const rows = transposed ? CLASSES : layerInt(l, L_IN);
  const cols = transposed ? layerInt(l, L_IN) : layerInt(l, L_OUT);
  const stride: usize = transposed ? outRowBytes : <usize>layerInt(l, L_PAD) << 2;
  const offset = layerPtr(l, L_WEIGHTS);
  const u = matrixDirPtr + offset;
  const out = matrixOutPtr;
  const tall = rows > cols;
  const n = tall ? cols : rows;
  const np = (n + 3) & ~3;
  const row = <usize>np << 3;
  const square = <usize>np * row;
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) sum += sumOfSquares(u + <usize>r * stride, <usize>cols << 2);
  // ||u||_F + 1e-7 as Keras's float32 norm.
  const inverse: f64 = 1 / <f64>(<f32>Math.sqrt(sum) + <f32>1e-7);
  memory.fill(nsAPtr, 0, square);
  memory.fill(nsA2Ptr, 0, square);
  memory.fill(nsTPtr, 0, square);
  if (tall) {
    // G = U^T U: A(i, k) = U[k][i].
    matmul64(nsAPtr, row, u, 4, stride, u, stride, n, rows, np, true);
  } else {
    // G = U U^T, with U^T in `out` (cols rows of np floats, zero past n).
    const tRow = <usize>np << 2;
    memory.fill(out, 0, <usize>cols * tRow);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < cols; k++) store<f32>(out + <usize>k * tRow + (<usize>r << 2), load<f32>(u + <usize>r * stride + (<usize>k << 2)));
    }
    matmul64(nsAPtr, row, u, stride, 4, out, tRow, n, cols, np, true);
  }
  scaleAdd64(nsAPtr, inverse * inverse, 0, 0, square);
  const m = record + MATRIX_AT;
  gramPolynomial(n, np, <f64>load<f32>(m, MATRIX_A), <f64>load<f32>(m, MATRIX_B), <f64>load<f32>(m, MATRIX_C), load<i32>(m, MATRIX_STEPS));
  // P / (||u|| + 1e-7) in float32 for the final product.
  const p32Row = <usize>np << 2;
  for (let i = 0; i < np; i++) {
    for (let j = 0; j < np; j++) store<f32>(nsP32Ptr + <usize>i * p32Row + (<usize>j << 2), <f32>(load<f64>(nsPPtr + <usize>i * row + (<usize>j << 3)) * inverse));
  }
  // O = U P (tall) or P U, in the kernel's layout.
  if (tall) matmul(out, stride, u, stride, 4, nsP32Ptr, p32Row, rows, n, np);
  else matmul(out, stride, nsP32Ptr, p32Row, 4, u, stride, rows, rows, <i32>(stride >>> 2));
  const scales = m + MATRIX_SCALES + (<usize>l << 3);
  const lr = f32x4.splat(learningRate);
  const first = f32x4.splat(load<f32>(scales));
  const second = f32x4.splat(load<f32>(scales, 4));
  const w = params + offset;
  const bytes = <usize>rows * stride;
  for (let i: usize = 0; i < bytes; i += 16) {
    v128.store(w + i, f32x4.sub(v128.load(w + i), f32x4.mul(f32x4.mul(f32x4.mul(v128.load(out + i), lr), first), second)));
  }
}

/**
 * A matrix run's update after W1's directions: the tail's biases take the elementwise
 * update, its kernels their direction; then every kernel its matrix step. The gradient
 * of the tensor at parameter offset o is at gradients + o.
 */
function matrixUpdate(run: i32, gradients: usize): void {
  const record = runsPtr + <usize>run * RUN_RECORD;
  const params = load<usize>(record, PARAMS_AT);
  const tensors = (hiddenLayers + 1) << 1;
  for (let t = 1; t < tensors; t++) {
    const l = t >> 1;
    const offset = t & 1 ? layerPtr(l, L_BIAS) : layerPtr(l, L_WEIGHTS);
    const bytes = tensorBytes(t);
    if (t & 1) update(run, offset, gradients + offset, bytes);
    else applyDirection(record, offset, gradients + offset, matrixDirPtr, bytes);
  }
  const learningRate = load<f32>(record, KNOBS_AT + KNOB_LEARNING_RATE);
  for (let l = 0; l <= hiddenLayers; l++) matrixStep(params, l, record, learningRate);
}

// ---- entry points -------------------------------------------------------------------

/**
 * Forward and backward over the prepared batch for one run, then (when `apply`)
 * the update. Returns the mean loss; lastCorrect() the number of correct argmaxes.
 * When `sample`, also writes each tensor's sum of squared gradients (before any
 * clipping) at gradientSquaresPtr: W1's rows are gone after their update, so only
 * here can its norm be had without computing them again.
 */
// @ts-ignore: decorator
@inline function step(run: i32, apply: bool, sample: bool): f64 {
  const params = paramsPointer(run);
  const n = batchSize;
  const inverseBatch = <f32>1 / <f32>n;
  memory.fill(gradTailPtr, 0, tailBytes());
  lastCorrectCount = 0;
  let lossSum: f64 = 0;
  forwardLayers(params);
  for (let b = 0; b < n; b++) {
    lossSum += forwardExample(params, b);
    backwardExample(params, b, <i32>load<u8>(labelsPtr + <usize>b), inverseBatch);
  }
  if (hiddenLayers > 1) backwardLaterLayers(params);
  const record = runsPtr + <usize>run * RUN_RECORD;
  // Keras's order: clip the gradients, decay the weights, then the update. Every
  // weight has been read for the gradients by now (W1's rows need only the inputs).
  const clipMode = apply ? load<i32>(record, KNOBS_AT + KNOB_CLIP_MODE) : CLIP_NONE;
  const clipAmount = load<f32>(record, KNOBS_AT + KNOB_CLIP_AMOUNT);
  if (clipMode == CLIP_NORM || clipMode == CLIP_GLOBAL) clipFactors(clipMode, clipAmount);
  const kind = load<i32>(record);
  const matrix = hasMatrixStep(kind);
  if (apply) decayRun(run);
  // A program with sums over a whole tensor (Lamb's norms) needs them before any of the
  // tensor is updated: a first pass computes W1's gradient rows into a whole W1 gradient
  // (w1GradientPtr) and adds up the sums, then the second pass updates from it.
  const sums = apply && sumCount(kind) > 0;
  let w1Squares: f64 = 0;
  if (sums) {
    clearSums();
    for (let pixel = 0; pixel < INPUTS; pixel++) {
      const row = w1GradientPtr + <usize>pixel * rowBytes;
      gradientRow(pixel, row);
      if (sample) w1Squares += sumOfSquares(row, rowBytes);
      if (clipMode != CLIP_NONE) clipGradient(row, rowBytes, 0, clipMode, clipAmount);
      accumulate(run, <usize>pixel * rowBytes, row, rowBytes);
    }
    for (let pixel = 0; pixel < INPUTS; pixel++) update(run, <usize>pixel * rowBytes, w1GradientPtr + <usize>pixel * rowBytes, rowBytes);
  } else {
    // Where a zero gradient leaves a row exactly as it is (plain SGD, Adagrad):
    // skip pixels that are blank in the whole batch (clipping keeps a zero gradient zero).
    // Never for a matrix run: its step needs every row's direction.
    const skipBlank = !matrix && skipsZeroGradient(kind);
    for (let pixel = 0; pixel < INPUTS; pixel++) {
      const blank = !denseBatch && load<usize>(columnStartPtr + (<usize>pixel << 2)) == load<usize>(columnStartPtr + (<usize>(pixel + 1) << 2));
      // A skipped row's gradient is zero: it adds nothing to the sampled norm.
      if (apply && skipBlank && blank) continue;
      gradientRow(pixel, gradRowPtr);
      if (sample) w1Squares += sumOfSquares(gradRowPtr, rowBytes);
      if (clipMode != CLIP_NONE) clipGradient(gradRowPtr, rowBytes, 0, clipMode, clipAmount);
      // A matrix run (Muon) keeps W1's direction row by row; its step needs the whole matrix.
      if (apply && matrix) applyDirection(record, <usize>pixel * rowBytes, gradRowPtr, matrixDirPtr, rowBytes);
      else if (apply) update(run, <usize>pixel * rowBytes, gradRowPtr, rowBytes);
    }
  }
  if (sample) {
    store<f64>(gradientSquaresPtr, w1Squares);
    const tensors = (hiddenLayers + 1) << 1;
    for (let t = 1; t < tensors; t++) store<f64>(gradientSquaresPtr + (<usize>t << 3), sumOfSquares(tensorStart(t), tensorBytes(t)));
  }
  if (clipMode != CLIP_NONE) clipTail(clipMode, clipAmount);
  if (apply && sums) {
    // The tail tensor by tensor, each summed whole before its update.
    const tensors = (hiddenLayers + 1) << 1;
    for (let t = 1; t < tensors; t++) {
      clearSums();
      accumulate(run, tensorOffset(t), tensorStart(t), tensorBytes(t));
      update(run, tensorOffset(t), tensorStart(t), tensorBytes(t));
    }
  } else if (apply && matrix) matrixUpdate(run, gradTailPtr - tailOffset());
  else if (apply) update(run, tailOffset(), gradTailPtr, tailBytes());
  return lossSum / <f64>n;
}

/** One training step of run on the prepared batch (prepareBatch with columns); the host has written the step's scalars. */
export function train(run: i32): f64 {
  return step(run, true, false);
}

/**
 * train, also measuring each tensor's gradient norm (gradientSquaresPointer) and keeping
 * the weights before the step for insideSums: the steps the panel samples.
 */
export function trainSampled(run: i32): f64 {
  memory.copy(previousPtr, paramsPointer(run), <usize>blockFloats << 2);
  return step(run, true, true);
}

// ---- inside the optimizers: sums over a sampled step --------------------------------

// @ts-ignore: decorator
@inline function lanesSum64(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** A slot summary's term per element (optimizerInsides.ts's SLOT_SUMMARY_CODES): s, |s|, √s or s². */
// @ts-ignore: decorator
@inline function summaryTerm(code: i32, s: v128): v128 {
  if (code == 0) return s;
  if (code == 1) return f32x4.abs(s);
  if (code == 2) return f32x4.sqrt(s);
  return f32x4.mul(s, s);
}

/**
 * The sum of a summary's terms over a tensor's real elements: `rows` rows of `cols`
 * values, `stride` floats apart (padding lanes hold a slot's initial value, not zero,
 * so they are masked out). Float32 lanes within a row, double across rows.
 */
function slotSum(at: usize, rows: i32, stride: i32, cols: i32, code: i32): f64 {
  const full = cols & ~3;
  const rest = cols - full;
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rest));
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const row = at + ((<usize>r * <usize>stride) << 2);
    let acc = f32x4.splat(0);
    for (let c = 0; c < full; c += 4) acc = f32x4.add(acc, summaryTerm(code, v128.load(row + (<usize>c << 2))));
    if (rest) acc = f32x4.add(acc, v128.and(summaryTerm(code, v128.load(row + (<usize>full << 2))), mask));
    total += lanesSum64(acc);
  }
  return total;
}

/**
 * After trainSampled(run): per tensor, the sums of w² and (Δw)² over the whole block
 * (padding is zero in both) and of each slot's summary terms (`codes`: two bits per
 * slot), at insideSumsPtr. The host turns them into norms and means per layer.
 */
export function insideSums(run: i32, codes: i32): void {
  const params = paramsPointer(run);
  const slots = slotCount(load<i32>(runsPtr + <usize>run * RUN_RECORD));
  const tensors = (hiddenLayers + 1) << 1;
  for (let t = 0; t < tensors; t++) {
    const l = t >> 1;
    const bias = (t & 1) == 1;
    const offset = bias ? layerPtr(l, L_BIAS) : layerPtr(l, L_WEIGHTS);
    const bytes = tensorBytes(t);
    const out = insideSumsPtr + <usize>t * INSIDE_SUMS * 8;
    let weights: f64 = 0;
    let updates: f64 = 0;
    // Chunks of 1,024 floats summed in float32 lanes, the chunks in double.
    for (let start: usize = 0; start < bytes; start += 4096) {
      const end = start + 4096 < bytes ? start + 4096 : bytes;
      let w2 = f32x4.splat(0);
      let d2 = f32x4.splat(0);
      for (let i = start; i < end; i += 16) {
        const before = v128.load(previousPtr + offset + i);
        const delta = f32x4.sub(v128.load(params + offset + i), before);
        w2 = f32x4.add(w2, f32x4.mul(before, before));
        d2 = f32x4.add(d2, f32x4.mul(delta, delta));
      }
      weights += lanesSum64(w2);
      updates += lanesSum64(d2);
    }
    store<f64>(out, weights);
    store<f64>(out + 8, updates);
    const inputs = layerInt(l, L_IN);
    const outputs = layerInt(l, L_OUT);
    const transposed = !bias && l == hiddenLayers && l > 0;
    const rows = bias ? 1 : transposed ? CLASSES : inputs;
    const stride = transposed ? (inputs + 3) & ~3 : layerInt(l, L_PAD);
    const cols = transposed ? inputs : outputs;
    for (let s = 0; s < slots; s++) {
      store<f64>(out + 16 + (<usize>s << 3), slotSum(slotPointer(run, s) + offset, rows, stride, cols, (codes >> (s << 1)) & 3));
    }
  }
}

/** Forward and backward without the update (profiling). */
export function gradientsOnly(run: i32): f64 {
  return step(run, false, false);
}

/** Sum of the per-example losses over the prepared batch; lastCorrect() counts the correct ones. */
export function evaluate(run: i32): f64 {
  const params = paramsPointer(run);
  lastCorrectCount = 0;
  let lossSum: f64 = 0;
  forwardLayers(params);
  for (let b = 0; b < batchSize; b++) lossSum += forwardExample(params, b);
  return lossSum;
}

/**
 * Applies run's update to `bytes` bytes at byte offset `offset` of its parameters
 * with the gradient the host wrote at gradientRowPointer() (single-step tests). A
 * variant with sums (sumCount) reads the totals of the tensor's first pass.
 */
export function applyGradient(run: i32, offset: usize, bytes: usize): void {
  update(run, offset, gradRowPtr, bytes);
}

/** Starts the sums of a tensor's first pass (single-step tests). */
export function beginSums(): void {
  clearSums();
}

/** First pass over one piece of a tensor, with the gradient at gradientRowPointer() (single-step tests). */
export function sumGradient(run: i32, offset: usize, bytes: usize): void {
  accumulate(run, offset, gradRowPtr, bytes);
}

/** Decays run's weights as its knobs say (before the update; single-step tests call it before applyGradient's pieces). */
export function decayRun(run: i32): void {
  const record = runsPtr + <usize>run * RUN_RECORD;
  const weightDecay = load<f32>(record, KNOBS_AT + KNOB_WEIGHT_DECAY);
  const learningRate = load<f32>(record, KNOBS_AT + KNOB_LEARNING_RATE);
  if (hasMatrixStep(load<i32>(record))) decayMatrixRun(paramsPointer(run), record, learningRate);
  else if (weightDecay != 0) decayWeights(paramsPointer(run), weightDecay, learningRate);
}

/** Where the host writes a whole gradient block (a parameter block's layout) for applyGradientBlock. */
export function matrixGradientPointer(): usize {
  return matrixOutPtr;
}

/** One update of a matrix run from the gradient block at matrixGradientPointer() (single-step tests; decayRun first). */
export function applyGradientBlock(run: i32): void {
  const record = runsPtr + <usize>run * RUN_RECORD;
  applyDirection(record, 0, matrixOutPtr, matrixDirPtr, tailOffset());
  matrixUpdate(run, matrixOutPtr);
}
