/** Chart display options: part of a shared link, not of the training. */
import type { BooleanParameter, NumberParameter } from './parameters';

export const VIEW_PARAMETERS = [
  { kind: 'boolean', key: 'showTrain', urlKey: 'train', label: 'Show training curves', defaultValue: true, help: 'Thin lines: loss and accuracy on the training batches.' },
  { kind: 'boolean', key: 'logLoss', urlKey: 'logloss', label: 'Logarithmic loss axis', defaultValue: false, help: 'Spreads out small losses.' },
] as const satisfies readonly BooleanParameter[];

/** TensorBoard's smoothing of the per-batch training curves (0: none), with its default. */
export const SMOOTHING_PARAMETER = {
  kind: 'number',
  key: 'smoothing',
  urlKey: 'smooth',
  label: 'Smoothing',
  defaultValue: 0.6,
  min: 0,
  max: 0.99,
  help: 'Debiased exponential moving average of the live training curves, as TensorBoard draws them; the raw curve stays faintly behind.',
} as const satisfies NumberParameter;

export type ViewKey = (typeof VIEW_PARAMETERS)[number]['key'];
export type ViewOptions = Record<ViewKey, boolean> & { smoothing: number };

export function defaultView(): ViewOptions {
  return { ...(Object.fromEntries(VIEW_PARAMETERS.map((p) => [p.key, p.defaultValue])) as Record<ViewKey, boolean>), smoothing: SMOOTHING_PARAMETER.defaultValue };
}
