/**
 * The form's state: what the user typed, kept as text so a half-typed "1e-" is
 * never lost, plus its resolution into a validated ExperimentConfig. Pure, so the
 * store, the URL code and the tests share it. The edits a form makes (add, remove,
 * select, reset a contestant) are pure functions here too.
 */
import { TRAINING_PARAMETERS, defaultExperiment, trainingStateProblem, type ExperimentConfig, type TrainingSettings } from './config';
import {
  ARTICLE_OPTIMIZERS,
  contestantKey,
  MAX_CONTESTANTS,
  MAX_PER_OPTIMIZER,
  nextOrdinal,
  sortContestants,
  withinCap,
  type Contestant,
  type ContestantRef,
} from './contestants';
import {
  ACTIVATION_PARAMETER,
  HIDDEN_LAYERS_PARAMETER,
  LAYER_UNITS_PARAMETERS,
  layerUnits,
  networkFrom,
  type Activation,
  type NetworkSettings,
} from './network';
import { OPTIMIZERS, optimizerDefaults, type OptimizerId } from './optimizers';
import { keepOneClip, knobProblem } from './knobs';
import { isChoice, parseNumberInput, type ParameterValues } from './parameters';
import { encodeExperimentUrl } from './urlState';
import type { ViewOptions } from './view';
import {
  CONSTANT_SCHEDULE,
  formatNumberList,
  isScheduleKind,
  parseNumberList,
  SCHEDULE_PARAMETER,
  scheduleProblems,
  SCHEDULES,
  type ScheduleSettings,
  type ScheduleValues,
} from './schedules';

export interface DraftContestant extends ContestantRef {
  selected: boolean;
}

export interface Draft {
  /** Raw text per number field, keyed by fieldKey(). */
  text: Record<string, string>;
  /** On/off settings, keyed by fieldKey(). */
  flags: Record<string, boolean>;
  /** Select values (the activation), keyed by fieldKey(). */
  choices: Record<string, string>;
  /** Every contestant in the form, in compareContestants order. */
  contestants: DraftContestant[];
}

/** "epochs" for a shared setting, "adam2.beta1" for a contestant's. */
export function fieldKey(contestant: string | null, key: string): string {
  return contestant ? `${contestant}.${key}` : key;
}

/** A contestant's schedule field: "adam2.schedule" (the kind), "adam2.schedule.decaySteps". */
export function scheduleFieldKey(contestant: string, field?: string): string {
  return fieldKey(contestant, field ? `${SCHEDULE_PARAMETER.key}.${field}` : SCHEDULE_PARAMETER.key);
}

function writeContestantFields(draft: Draft, contestant: ContestantRef, values: ParameterValues, schedule: ScheduleSettings = CONSTANT_SCHEDULE): void {
  const key = contestantKey(contestant);
  for (const spec of OPTIMIZERS[contestant.optimizer].parameters) {
    const value = values[spec.key];
    if (spec.kind === 'boolean') draft.flags[fieldKey(key, spec.key)] = Boolean(value);
    else draft.text[fieldKey(key, spec.key)] = String(value);
  }
  writeScheduleFields(draft, key, schedule);
}

/** Sets the schedule's kind and writes its fields (other kinds' fields keep what was typed). */
export function writeScheduleFields(draft: Draft, key: string, schedule: ScheduleSettings): void {
  draft.choices[scheduleFieldKey(key)] = schedule.kind;
  for (const field of SCHEDULES[schedule.kind].fields) {
    const value = schedule.values[field.key] ?? field.defaultValue;
    if (field.kind === 'boolean') draft.flags[scheduleFieldKey(key, field.key)] = Boolean(value);
    else draft.text[scheduleFieldKey(key, field.key)] = field.kind === 'numberList' ? formatNumberList(value as number[]) : String(value);
  }
}

export function draftFromConfig(config: ExperimentConfig): Draft {
  const draft: Draft = { text: {}, flags: {}, choices: {}, contestants: [] };
  for (const spec of TRAINING_PARAMETERS) draft.text[spec.key] = String(config[spec.key]);
  draft.text[HIDDEN_LAYERS_PARAMETER.key] = String(config.network.hiddenLayers.length);
  LAYER_UNITS_PARAMETERS.forEach((spec, i) => (draft.text[spec.key] = String(layerUnits(config.network, i))));
  draft.choices[ACTIVATION_PARAMETER.key] = config.network.activation;
  for (const contestant of sortContestants(config.contestants)) {
    draft.contestants.push({ optimizer: contestant.optimizer, ordinal: contestant.ordinal, selected: contestant.selected });
    writeContestantFields(draft, contestant, contestant.hyperparameters, contestant.schedule);
  }
  return draft;
}

export function defaultDraft(): Draft {
  return draftFromConfig(defaultExperiment());
}

export interface Resolution {
  /** Present only when every field that matters is valid. */
  config: ExperimentConfig | null;
  /** The network, whenever its own fields are valid (whatever else is not). */
  network: NetworkSettings | null;
  /** Message per invalid field, keyed by fieldKey(). */
  errors: Record<string, string>;
  /** Problems not tied to one field. */
  general: string[];
  /** Every field valid, but the whole too large to train (trainingStateProblem): still what the link carries. */
  tooLarge?: ExperimentConfig;
}

const NETWORK_FIELD_KEYS = new Set([HIDDEN_LAYERS_PARAMETER.key, ...LAYER_UNITS_PARAMETERS.map((p) => p.key), ACTIVATION_PARAMETER.key]);

export function resolveDraft(draft: Draft): Resolution {
  const errors: Record<string, string> = {};
  const general: string[] = [];
  /** Field keys whose errors block training (a hidden layer the network does not use, or an unselected contestant, does not). */
  const blocking: string[] = [];
  const readNumber = (spec: Parameters<typeof parseNumberInput>[0], key: string, blocks: boolean): number => {
    const result = parseNumberInput(spec, draft.text[key] ?? '');
    if (result.ok) return result.value;
    errors[key] = result.message;
    if (blocks) blocking.push(key);
    return spec.defaultValue;
  };

  const training = {} as TrainingSettings;
  for (const spec of TRAINING_PARAMETERS) training[spec.key] = readNumber(spec, spec.key, true);

  const hiddenLayers = readNumber(HIDDEN_LAYERS_PARAMETER, HIDDEN_LAYERS_PARAMETER.key, true);
  const units = LAYER_UNITS_PARAMETERS.map((spec, i) => readNumber(spec, spec.key, i < hiddenLayers));
  const activationText = draft.choices[ACTIVATION_PARAMETER.key] ?? ACTIVATION_PARAMETER.defaultValue;
  let activation: Activation = ACTIVATION_PARAMETER.defaultValue;
  if (isChoice(ACTIVATION_PARAMETER, activationText)) activation = activationText;
  else {
    errors[ACTIVATION_PARAMETER.key] = `Activation must be one of ${ACTIVATION_PARAMETER.options.map((o) => o.label).join(', ')}.`;
    blocking.push(ACTIVATION_PARAMETER.key);
  }

  /** A contestant's schedule from its fields; a field never typed in has its default. */
  const readSchedule = (key: string, blocks: boolean): ScheduleSettings => {
    const kindText = draft.choices[scheduleFieldKey(key)] ?? SCHEDULE_PARAMETER.defaultValue;
    const kind = isScheduleKind(kindText) ? kindText : SCHEDULE_PARAMETER.defaultValue;
    const values: ScheduleValues = {};
    for (const field of SCHEDULES[kind].fields) {
      const fieldId = scheduleFieldKey(key, field.key);
      const text = draft.text[fieldId];
      if (field.kind === 'boolean') values[field.key] = draft.flags[fieldId] ?? field.defaultValue;
      else if (text === undefined) values[field.key] = field.defaultValue;
      else if (field.kind === 'number') values[field.key] = readNumber(field, fieldId, blocks);
      else {
        const parsed = parseNumberList(field, text);
        values[field.key] = parsed.ok ? parsed.value : field.defaultValue;
        if (!parsed.ok) {
          errors[fieldId] = parsed.message;
          if (blocks) blocking.push(fieldId);
        }
      }
    }
    const schedule = { kind, values };
    const [problem] = Object.keys(errors).some((k) => k.startsWith(scheduleFieldKey(key, ''))) ? [] : scheduleProblems(schedule);
    if (problem) {
      const fieldId = scheduleFieldKey(key, SCHEDULES[kind].fields[SCHEDULES[kind].fields.length - 1].key);
      errors[fieldId] = problem;
      if (blocks) blocking.push(fieldId);
    }
    return schedule;
  };

  const contestants: Contestant[] = draft.contestants.map((ref) => {
    const key = contestantKey(ref);
    const hyperparameters: ParameterValues = {};
    for (const spec of OPTIMIZERS[ref.optimizer].parameters) {
      hyperparameters[spec.key] =
        spec.kind === 'boolean' ? (draft.flags[fieldKey(key, spec.key)] ?? spec.defaultValue) : readNumber(spec, fieldKey(key, spec.key), ref.selected);
    }
    const clipProblem = knobProblem(hyperparameters);
    if (clipProblem) {
      // At the clip fields Keras would refuse: every one set after the first.
      const kept = keepOneClip(hyperparameters).params;
      for (const spec of OPTIMIZERS[ref.optimizer].parameters.filter((p) => kept[p.key] !== hyperparameters[p.key])) {
        errors[fieldKey(key, spec.key)] = `${clipProblem.charAt(0).toUpperCase()}${clipProblem.slice(1)}`;
        if (ref.selected) blocking.push(fieldKey(key, spec.key));
      }
    }
    const schedule = readSchedule(key, ref.selected);
    return { optimizer: ref.optimizer, ordinal: ref.ordinal, selected: ref.selected, hyperparameters, ...(schedule.kind === 'constant' ? {} : { schedule }) };
  });
  const selected = contestants.filter((c) => c.selected).length;
  if (selected === 0) general.push('Choose at least one optimizer to train.');
  if (selected > MAX_CONTESTANTS) general.push(`At most ${MAX_CONTESTANTS} contestants can train at once; untick ${selected - MAX_CONTESTANTS}.`);

  const network = networkFrom(hiddenLayers, units, activation);
  const networkValid = !blocking.some((key) => NETWORK_FIELD_KEYS.has(key));
  const config: ExperimentConfig = { ...training, network, contestants };
  const memory = blocking.length === 0 && general.length === 0 ? trainingStateProblem(config) : undefined;
  if (memory) general.push(memory);
  const valid = blocking.length === 0 && general.length === 0;
  return { config: valid ? config : null, network: networkValid ? network : null, errors, general, ...(memory ? { tooLarge: config } : {}) };
}

/** The draft as a config with every invalid field at its default: what a link can carry mid-edit. */
export function bestEffortConfig(draft: Draft): ExperimentConfig {
  const { config, errors, tooLarge } = resolveDraft(draft);
  if (config) return config;
  if (tooLarge) return tooLarge;
  const patched: Draft = { ...draft, text: { ...draft.text }, choices: { ...draft.choices }, contestants: [...draft.contestants] };
  const fallback = draftFromConfig(defaultExperiment());
  for (const key of Object.keys(errors)) {
    const [first, second, third] = key.split('.');
    if (third !== undefined) {
      // A schedule field: back to its default (and the schedule to constant if it still does not resolve).
      delete patched.text[key];
    } else if (second === undefined) {
      if (key in fallback.text) patched.text[key] = fallback.text[key];
      if (key in fallback.choices) patched.choices[key] = fallback.choices[key];
    } else {
      const contestant = patched.contestants.find((c) => contestantKey(c) === first);
      if (contestant) patched.text[key] = String(optimizerDefaults(contestant.optimizer)[second]);
    }
  }
  // Nothing ticked: the link ticks the default selection but keeps every contestant and its edits.
  if (!patched.contestants.some((c) => c.selected)) {
    patched.contestants = patched.contestants.map((c) => ({ ...c, selected: c.ordinal === 1 && ARTICLE_OPTIMIZERS.includes(c.optimizer) }));
  }
  patched.contestants = withinCap(patched.contestants).contestants;
  return resolveDraft(patched).config ?? defaultExperiment();
}

// ---- form edits ----------------------------------------------------------------------

/** Whether another contestant of `optimizer` may be added (the per-optimizer and per-run caps). */
export function canAddContestant(draft: Draft, optimizer: OptimizerId): boolean {
  return (
    draft.contestants.filter((c) => c.selected).length < MAX_CONTESTANTS &&
    nextOrdinal(draft.contestants, optimizer) <= MAX_PER_OPTIMIZER
  );
}

/** Adds "Adam 2" (or the next free number) at Keras defaults, selected. */
export function addContestant(draft: Draft, optimizer: OptimizerId): Draft {
  if (!canAddContestant(draft, optimizer)) return draft;
  const ref: DraftContestant = { optimizer, ordinal: nextOrdinal(draft.contestants, optimizer), selected: true };
  const next: Draft = { ...draft, text: { ...draft.text }, flags: { ...draft.flags }, choices: { ...draft.choices }, contestants: sortContestants([...draft.contestants, ref]) };
  writeContestantFields(next, ref, optimizerDefaults(optimizer));
  return next;
}

/** Removes an added contestant and its fields; the first of each optimizer stays (untick it instead). */
export function removeContestant(draft: Draft, key: string): Draft {
  const target = draft.contestants.find((c) => contestantKey(c) === key);
  if (!target || target.ordinal === 1) return draft;
  const prefix = `${key}.`;
  const without = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([k]) => !k.startsWith(prefix)));
  return { ...draft, text: without(draft.text), flags: without(draft.flags), choices: without(draft.choices), contestants: draft.contestants.filter((c) => c !== target) };
}

export function setContestantSelected(draft: Draft, key: string, selected: boolean): Draft {
  return { ...draft, contestants: draft.contestants.map((c) => (contestantKey(c) === key ? { ...c, selected } : c)) };
}

/** Puts a contestant's fields back to its optimizer's Keras defaults. */
export function resetContestant(draft: Draft, key: string): Draft {
  const target = draft.contestants.find((c) => contestantKey(c) === key);
  if (!target) return draft;
  const next: Draft = { ...draft, text: { ...draft.text }, flags: { ...draft.flags }, choices: { ...draft.choices } };
  writeContestantFields(next, target, optimizerDefaults(target.optimizer));
  return next;
}

/** The link's query string for the form as it stands (fields still being typed keep their last good value). */
export function draftSearch(draft: Draft, view: ViewOptions): string {
  return encodeExperimentUrl({ config: bestEffortConfig(draft), view });
}
