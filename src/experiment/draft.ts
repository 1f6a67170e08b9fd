/**
 * The form's state: what the user typed, kept as text so a half-typed "1e-" is
 * never lost, plus its resolution into a validated ExperimentConfig. Pure, so the
 * store, the URL code and the tests share it.
 */
import { TRAINING_PARAMETERS, defaultExperiment, type ExperimentConfig, type TrainingSettings } from './config';
import type { NetworkSettings } from './network';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from './optimizers';
import { parseNumberInput, type ParameterValues } from './parameters';

export interface Draft {
  /** Raw text per number field, keyed by fieldKey(). */
  text: Record<string, string>;
  /** On/off settings, keyed by fieldKey(). */
  flags: Record<string, boolean>;
  selected: OptimizerId[];
  network: NetworkSettings;
}

/** "epochs" for a training setting, "adam.beta1" for an optimizer's. */
export function fieldKey(optimizer: OptimizerId | null, key: string): string {
  return optimizer ? `${optimizer}.${key}` : key;
}

export function draftFromConfig(config: ExperimentConfig): Draft {
  const text: Record<string, string> = {};
  const flags: Record<string, boolean> = {};
  for (const spec of TRAINING_PARAMETERS) text[spec.key] = String(config[spec.key]);
  for (const id of OPTIMIZER_IDS) {
    for (const spec of OPTIMIZERS[id].parameters) {
      const value = config.hyperparameters[id][spec.key];
      if (spec.kind === 'boolean') flags[fieldKey(id, spec.key)] = Boolean(value);
      else text[fieldKey(id, spec.key)] = String(value);
    }
  }
  return { text, flags, selected: [...config.optimizers], network: structuredClone(config.network) };
}

export function defaultDraft(): Draft {
  return draftFromConfig(defaultExperiment());
}

export interface Resolution {
  /** Present only when every field is valid. */
  config: ExperimentConfig | null;
  /** Message per invalid field, keyed by fieldKey(). */
  errors: Record<string, string>;
  /** Problems not tied to one field. */
  general: string[];
}

/** The draft as a config with every invalid field at its default: what a link can carry mid-edit. */
export function bestEffortConfig(draft: Draft): ExperimentConfig {
  const { config, errors } = resolveDraft(draft);
  if (config) return config;
  const fallback = defaultExperiment();
  const patched: Draft = { ...draft, text: { ...draft.text } };
  for (const key of Object.keys(errors)) {
    const [first, second] = key.split('.');
    patched.text[key] = String(second === undefined ? fallback[first as keyof TrainingSettings] : fallback.hyperparameters[first as OptimizerId][second]);
  }
  if (patched.selected.length === 0) patched.selected = fallback.optimizers;
  return resolveDraft(patched).config ?? fallback;
}

export function resolveDraft(draft: Draft): Resolution {
  const errors: Record<string, string> = {};
  const general: string[] = [];
  const training = {} as TrainingSettings;
  for (const spec of TRAINING_PARAMETERS) {
    const result = parseNumberInput(spec, draft.text[spec.key] ?? '');
    if (result.ok) training[spec.key] = result.value;
    else errors[spec.key] = result.message;
  }
  const hyperparameters = {} as Record<OptimizerId, ParameterValues>;
  for (const id of OPTIMIZER_IDS) {
    const values: ParameterValues = {};
    for (const spec of OPTIMIZERS[id].parameters) {
      const key = fieldKey(id, spec.key);
      if (spec.kind === 'boolean') {
        values[spec.key] = draft.flags[key] ?? spec.defaultValue;
        continue;
      }
      const result = parseNumberInput(spec, draft.text[key] ?? '');
      if (result.ok) values[spec.key] = result.value;
      else {
        errors[key] = result.message;
        values[spec.key] = spec.defaultValue;
      }
    }
    hyperparameters[id] = values;
  }
  const optimizers = OPTIMIZER_IDS.filter((id) => draft.selected.includes(id));
  if (optimizers.length === 0) general.push('Choose at least one optimizer to train.');
  // An unselected optimizer's bad field is shown but does not block training.
  const blocking = Object.keys(errors).filter((key) => {
    const optimizer = key.split('.', 1)[0];
    return !key.includes('.') || draft.selected.includes(optimizer as OptimizerId);
  });
  const valid = blocking.length === 0 && general.length === 0;
  return { config: valid ? { ...training, network: structuredClone(draft.network), optimizers, hyperparameters } : null, errors, general };
}
