/**
 * The knobs every Keras optimizer shares (keras/src/optimizers/base_optimizer.py):
 * weight decay and gradient clipping. They are hyperparameters of every contestant
 * (defineOptimizer appends them to each definition's table), so the form, links,
 * results files and validation carry them like any other; 0 means off, as Keras's
 * None. Keras's `apply` clips the gradients first, then decays every variable
 * (biases too) with the step's learning rate, then runs the optimizer's update.
 * The engines apply them around the update program (they are not elementwise:
 * clipping by norm needs a whole tensor's norm), each in its own arithmetic:
 * tfjs ops (train/optimizers/knobs.ts), the wasm kernel, and float64 here.
 */
import type { NumberParameter, ParameterValues } from './parameters';

type KnobSpec = Omit<NumberParameter, 'key'>;

const knob = (label: string, urlKey: string, max: number, help: string): KnobSpec => ({ kind: 'number', label, urlKey, defaultValue: 0, min: 0, max, help });

/** In form order, after each optimizer's own hyperparameters. */
export const SHARED_KNOBS = {
  weightDecay: knob('Weight decay', 'wd', 1, 'Before each step, every weight shrinks by weight × decay × learning rate (decoupled, as AdamW). 0 is off.'),
  clipNorm: knob('Clip norm', 'clipnorm', 1e6, "Rescales each weight tensor's gradient so its length is at most this. 0 is off."),
  clipValue: knob('Clip value', 'clipvalue', 1e6, 'Clamps every gradient element to ± this value. 0 is off.'),
  globalClipNorm: knob('Global clip norm', 'gclipnorm', 1e6, 'Rescales all gradients together so their joint length is at most this. 0 is off.'),
} as const satisfies Record<string, KnobSpec>;

export type KnobKey = keyof typeof SHARED_KNOBS;
export const KNOB_KEYS = Object.keys(SHARED_KNOBS) as KnobKey[];

/** How the gradients are clipped; the kernel uses the same numbers. */
export const CLIP_MODE = { none: 0, norm: 1, global: 2, value: 3 } as const;
export type ClipMode = keyof typeof CLIP_MODE;

export interface Knobs {
  weightDecay: number;
  clip: ClipMode;
  /** The clip norm, global clip norm or clip value (unused when clip is none). */
  clipAmount: number;
}

const CLIP_KEYS = ['clipNorm', 'globalClipNorm', 'clipValue'] as const;

/** A contestant's knobs from its hyperparameters, in Keras's order of precedence (validation allows one clip). */
export function knobsOf(params: ParameterValues): Knobs {
  const value = (key: KnobKey) => (typeof params[key] === 'number' ? (params[key] as number) : 0);
  const clip: ClipMode = value('clipNorm') > 0 ? 'norm' : value('globalClipNorm') > 0 ? 'global' : value('clipValue') > 0 ? 'value' : 'none';
  const clipAmount = clip === 'norm' ? value('clipNorm') : clip === 'global' ? value('globalClipNorm') : clip === 'value' ? value('clipValue') : 0;
  return { weightDecay: value('weightDecay'), clip, clipAmount };
}

/** Keras refuses more than one kind of clipping ("Only one of clipnorm, clipvalue and global_clipnorm can be set"). */
export function knobProblem(params: ParameterValues): string | undefined {
  const set = CLIP_KEYS.filter((key) => typeof params[key] === 'number' && (params[key] as number) > 0);
  if (set.length < 2) return undefined;
  return `only one of ${CLIP_KEYS.map((k) => SHARED_KNOBS[k].label).join(', ')} can be set (as in Keras); ${set.map((k) => SHARED_KNOBS[k].label).join(' and ')} are.`;
}

/** The same hyperparameters with only the first clip Keras would use (clipnorm, then global, then value), and the labels of those turned off. */
export function keepOneClip(params: ParameterValues): { params: ParameterValues; dropped: string[] } {
  const set = CLIP_KEYS.filter((key) => typeof params[key] === 'number' && (params[key] as number) > 0);
  const dropped = set.slice(1);
  return { params: { ...params, ...Object.fromEntries(dropped.map((key) => [key, 0])) }, dropped: dropped.map((key) => SHARED_KNOBS[key].label) };
}

/**
 * Keras's clipping of one step's gradients, in float64 (each array one variable):
 * clip_by_norm per variable, clip_by_global_norm over all, or elementwise clip.
 */
export function clipGradients64(gradients: readonly Float64Array[], knobs: Knobs): Float64Array[] {
  const { clip, clipAmount: amount } = knobs;
  if (clip === 'none') return gradients.map((g) => g.slice());
  if (clip === 'value') return gradients.map((g) => g.map((x) => Math.min(Math.max(x, -amount), amount)));
  const sumOfSquares = (g: Float64Array) => g.reduce((sum, x) => sum + x * x, 0);
  if (clip === 'norm') {
    return gradients.map((g) => {
      const l2sum = sumOfSquares(g);
      const norm = l2sum > 0 ? Math.sqrt(l2sum) : l2sum;
      return g.map((x) => (x * amount) / Math.max(norm, amount));
    });
  }
  const norm = Math.sqrt(gradients.reduce((sum, g) => sum + sumOfSquares(g), 0));
  const scale = amount * Math.min(1 / norm, 1 / amount) + (norm - norm);
  return gradients.map((g) => g.map((x) => x * scale));
}

/** Keras's decoupled weight decay, w − w·wd·lr, before the update (float64). */
export function decayWeights64(weights: Float64Array, weightDecay: number, learningRate: number): void {
  if (weightDecay === 0) return;
  for (let i = 0; i < weights.length; i++) weights[i] = weights[i] - weights[i] * weightDecay * learningRate;
}
