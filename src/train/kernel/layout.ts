/**
 * How the wasm kernel holds each optimizer variant, derived from the definitions
 * (experiment/optimizers.ts): its number (kind), its slot blocks, and where each
 * named per-run constant and per-step scalar sits in the run record. The code
 * generator (generateUpdate.ts, run by scripts/build-kernel.ts) and the wrapper
 * (kernel.ts) both read this, so neither numbers anything by hand; the generated
 * kernel exports a hash of it, which the wrapper checks against its own.
 */
import { variantFor, variantsOf, type Variant } from '../../experiment/algebra';
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

let layout: KernelLayout | undefined;

export function kernelLayout(): KernelLayout {
  if (layout) return layout;
  const variants: KernelVariant[] = [];
  for (const optimizer of OPTIMIZER_IDS) {
    for (const variant of variantsOf(OPTIMIZERS[optimizer])) {
      const { program } = variant;
      const offsets = (names: readonly string[], from: number) => Object.fromEntries(names.map((name, i) => [name, from + i]));
      variants.push({
        kind: variants.length,
        optimizer,
        variant,
        slots: program.slots.map((s) => s.name),
        constants: offsets(program.constants, 0),
        scalars: offsets(program.scalars, program.constants.length),
        skipsZeroGradient: program.zeroGradientKeepsState,
      });
    }
  }
  const maxSlots = Math.max(...variants.map((v) => v.slots.length));
  const maxValues = Math.max(...variants.map((v) => v.variant.program.constants.length + v.variant.program.scalars.length));
  const knobsAt = 8 + 4 * maxSlots;
  const valuesAt = knobsAt + 4 * KNOB_WORDS;
  const record: RunRecord = { paramsAt: 4, slotsAt: 8, knobsAt, valuesAt, bytes: Math.ceil((valuesAt + 4 * maxValues) / 16) * 16, maxSlots };
  const description = [
    JSON.stringify(record),
    ...variants.map((v) => JSON.stringify([v.kind, v.variant.name, v.slots, v.constants, v.scalars, v.skipsZeroGradient, v.variant.program.key])),
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
