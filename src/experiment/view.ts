/** Chart display options: part of a shared link, not of the training. */
import type { BooleanParameter } from './parameters';

export const VIEW_PARAMETERS = [
  { kind: 'boolean', key: 'showTrain', urlKey: 'train', label: 'Show training curves', defaultValue: true, help: 'Dashed lines: loss and accuracy on the training batches.' },
  { kind: 'boolean', key: 'logLoss', urlKey: 'logloss', label: 'Logarithmic loss axis', defaultValue: false, help: 'Spreads out small losses.' },
] as const satisfies readonly BooleanParameter[];

export type ViewKey = (typeof VIEW_PARAMETERS)[number]['key'];
export type ViewOptions = Record<ViewKey, boolean>;

export function defaultView(): ViewOptions {
  return Object.fromEntries(VIEW_PARAMETERS.map((p) => [p.key, p.defaultValue])) as ViewOptions;
}
