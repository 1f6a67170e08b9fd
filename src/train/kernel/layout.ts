/**
 * How the wasm kernel holds each optimizer variant, derived from the definitions
 * (experiment/optimizers.ts): its number (kind), its slot blocks, and where each
 * named per-run constant and per-step scalar sits in the run record. The code
 * generator (generateUpdate.ts, run by scripts/build-kernel.ts) and the wrapper
 * (kernel.ts) both read this, so neither numbers anything by hand; the generated
 * kernel exports a hash of it, which the wrapper checks against its own.
 */
import { declaredNames, variantFor, variantsOf, type Variant } from '../../experiment/algebra';
import { NETWORK_LIMITS } from '../../experiment/network';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import type { ParameterValues } from '../../experiment/parameters';

export interface KernelVariant {
  /** The variant's number in the kernel's run record. */
  readonly kind: number;
  readonly optimizer: OptimizerId;
  readonly variant: Variant;
  /** Slot blocks, in this order after the parameter block. */
  readonly slots: readonly string[];
  /** Float offset of each named constant and scalar from the record's value area. */
  readonly constants: Readonly<Record<string, number>>;
  readonly scalars: Readonly<Record<string, number>>;
  /** With a zero gradient, weight and slots stay as they are (the kernel skips rows blank in a batch). */
  readonly skipsZeroGradient: boolean;
  /** Whether its kernels (the 2-D weights) take a matrix step (Muon); its biases then take the program. */
  readonly matrix: boolean;
}

/**
 * A run record: kind (i32) at 0, the parameter block's address at 4, one address
 * per slot block from 8, the shared knobs (knobs.ts: clip mode i32, clip amount,
 * weight decay and the step's learning rate as float32), then the float32 values
 * (constants, then scalars).
 */
export interface RunRecord {
  readonly paramsAt: number;
  readonly slotsAt: number;
  readonly knobsAt: number;
  readonly valuesAt: number;
  /** The matrix step's settings (MATRIX_FIELDS), after the values. */
  readonly matrixAt: number;
  readonly bytes: number;
  readonly maxSlots: number;
}

export interface KernelLayout {
  readonly variants: readonly KernelVariant[];
  readonly record: RunRecord;
  /** FNV-1a of the layout and the programs: the generated kernel returns the same from layoutHash(). */
  readonly hash: number;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The knob block's words, in order: clip mode (i32), clip amount, weight decay, learning rate (float32). */
export const KNOB_FIELDS = { clipMode: 0, clipAmount: 4, weightDecay: 8, learningRate: 12 } as const;
const KNOB_WORDS = Object.keys(KNOB_FIELDS).length;

/**
 * The matrix step's words (variants with one): Newton–Schulz a, b, c (float32), its
 * iterations (i32), the elementwise-stepped weights' decay (float32), then per Dense
 * layer (input side first) the two factors on lr·O (float32; definition.matrix.scale).
 */
export const MATRIX_FIELDS = { a: 0, b: 4, c: 8, steps: 12, elementwiseWeightDecay: 16, scales: 20 } as const;
const MATRIX_WORDS = 5 + 2 * (NETWORK_LIMITS.maxHiddenLayers + 1);

let layout: KernelLayout | undefined;

export function kernelLayout(): KernelLayout {
  if (layout) return layout;
  const variants: KernelVariant[] = [];
  for (const optimizer of OPTIMIZER_IDS) {
    for (const variant of variantsOf(OPTIMIZERS[optimizer])) {
      const { program, matrix } = variant;
      const offsets = (names: readonly string[], from: number) => Object.fromEntries(names.map((name, i) => [name, from + i]));
      // The matrix step's elementwise part reads constants and scalars of the same record.
      const read = (list: 'constants' | 'scalars') => declaredNames(OPTIMIZERS[optimizer])[list].filter((name) => program[list].includes(name) || matrix?.[list].includes(name));
      const constants = read('constants');
      variants.push({
        kind: variants.length,
        optimizer,
        variant,
        slots: program.slots.map((s) => s.name),
        constants: offsets(constants, 0),
        scalars: offsets(read('scalars'), constants.length),
        skipsZeroGradient: program.zeroGradientKeepsState,
        matrix: matrix !== undefined,
      });
    }
  }
  const maxSlots = Math.max(...variants.map((v) => v.slots.length));
  const maxValues = Math.max(...variants.map((v) => Object.keys(v.constants).length + Object.keys(v.scalars).length));
  const knobsAt = 8 + 4 * maxSlots;
  const valuesAt = knobsAt + 4 * KNOB_WORDS;
  const matrixAt = valuesAt + 4 * maxValues;
  const record: RunRecord = { paramsAt: 4, slotsAt: 8, knobsAt, valuesAt, matrixAt, bytes: Math.ceil((matrixAt + 4 * MATRIX_WORDS) / 16) * 16, maxSlots };
  const description = [
    JSON.stringify(record),
    JSON.stringify(MATRIX_FIELDS),
    ...variants.map((v) => JSON.stringify([v.kind, v.variant.name, v.slots, v.constants, v.scalars, v.skipsZeroGradient, v.variant.program.key, v.variant.matrix?.key ?? null])),
  ].join('\n');
  layout = { variants, record, hash: fnv1a(description) };
  return layout;
}

/** The kernel variant a run's hyperparameters select. */
export function kernelVariant(optimizer: OptimizerId, params: ParameterValues): KernelVariant {
  const variant = variantFor(OPTIMIZERS[optimizer], params);
  const found = kernelLayout().variants.find((v) => v.variant === variant);
  if (!found) throw new Error(`${optimizer}: variant ${variant.name} is not in the kernel.`);
  return found;
}
