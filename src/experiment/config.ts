/**
 * The experiment: what the user configures and what a run is started with.
 * A run always receives a frozen, validated copy, so editing the form while it
 * trains cannot change it.
 */
import {
  contestantKey,
  contestantName,
  defaultContestants,
  MAX_CONTESTANTS,
  MAX_PER_OPTIMIZER,
  type Contestant,
} from './contestants';
import { articleNetwork, isActivation, NETWORK_LIMITS, type NetworkSettings } from './network';
import { knobProblem } from './knobs';
import { OPTIMIZERS } from './optimizers';
import { scheduleProblems } from './schedules';
import { checkNumber, defaultValues, type NumberParameter } from './parameters';

export const TRAIN_SET_SIZE = 60_000;
export const TEST_SET_SIZE = 10_000;

export const TRAINING_PARAMETERS = [
  {
    kind: 'number',
    key: 'epochs',
    label: 'Epochs',
    defaultValue: 5,
    min: 1,
    max: 100,
    integer: true,
    help: 'Passes over the training examples.',
  },
  {
    kind: 'number',
    key: 'batchSize',
    label: 'Batch size',
    urlKey: 'batch',
    defaultValue: 128,
    min: 1,
    max: 4096,
    integer: true,
    help: 'Examples per gradient step.',
  },
  {
    kind: 'number',
    key: 'trainExamples',
    label: 'Training examples',
    urlKey: 'examples',
    defaultValue: TRAIN_SET_SIZE,
    min: 1000,
    max: TRAIN_SET_SIZE,
    integer: true,
    help: 'How many of the 60,000 training images to use; fewer makes a quicker demo.',
  },
  {
    kind: 'number',
    key: 'seed',
    label: 'Seed',
    defaultValue: 42,
    min: 0,
    max: 2 ** 32 - 1,
    integer: true,
    help: 'Fixes the initial weights and the batch order.',
  },
] as const satisfies readonly NumberParameter[];

export type TrainingKey = (typeof TRAINING_PARAMETERS)[number]['key'];
export type TrainingSettings = Record<TrainingKey, number>;

export interface ExperimentConfig extends TrainingSettings {
  network: NetworkSettings;
  /** Every contestant in the form, selected or not (so toggling keeps edits), in compareContestants order. */
  contestants: Contestant[];
}

/** The article's setup: every optimizer at its Keras defaults, the article's five selected. */
export function defaultExperiment(): ExperimentConfig {
  return {
    ...(defaultValues(TRAINING_PARAMETERS) as TrainingSettings),
    network: articleNetwork(),
    contestants: defaultContestants(),
  };
}

/** The contestants that train, in order: run i of an engine is the i-th of these. */
export function trainingContestants(config: Pick<ExperimentConfig, 'contestants'>): Contestant[] {
  return config.contestants.filter((c) => c.selected);
}

export class InvalidExperimentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid experiment: ${problems.join(' ')}`);
    this.name = 'InvalidExperimentError';
  }
}

/**
 * Checks a complete config against the parameter tables. The worker calls this
 * before training, so nothing reaches the maths that the form would have refused.
 */
export function validateExperiment(config: ExperimentConfig): string[] {
  const problems: string[] = [];
  for (const spec of TRAINING_PARAMETERS) {
    const result = checkNumber(spec, config[spec.key]);
    if (!result.ok) problems.push(result.message);
  }
  problems.push(...validateNetwork(config.network));
  problems.push(...validateContestants(config.contestants));
  return problems;
}

/** Each contestant's settings against its optimizer's table; 1 to MAX_CONTESTANTS selected, no key twice. */
export function validateContestants(contestants: readonly Contestant[]): string[] {
  const problems: string[] = [];
  const selected = contestants.filter((c) => c.selected).length;
  if (selected === 0) problems.push('Choose at least one optimizer.');
  if (selected > MAX_CONTESTANTS) problems.push(`At most ${MAX_CONTESTANTS} contestants can train at once; ${selected} are selected.`);
  const keys = new Set<string>();
  for (const contestant of contestants) {
    const info = OPTIMIZERS[contestant.optimizer];
    if (!info) {
      problems.push(`Unknown optimizer "${String(contestant.optimizer)}".`);
      continue;
    }
    if (!Number.isInteger(contestant.ordinal) || contestant.ordinal < 1 || contestant.ordinal > MAX_PER_OPTIMIZER) {
      problems.push(`${info.label}: contestant number ${String(contestant.ordinal)} is not between 1 and ${MAX_PER_OPTIMIZER}.`);
      continue;
    }
    const key = contestantKey(contestant);
    if (keys.has(key)) problems.push(`${contestantName(contestant)} appears twice.`);
    keys.add(key);
    const name = contestantName(contestant);
    const knobs = knobProblem(contestant.hyperparameters ?? {});
    if (knobs) problems.push(`${name}: ${knobs.charAt(0).toUpperCase()}${knobs.slice(1)}`);
    if (contestant.schedule) problems.push(...scheduleProblems(contestant.schedule).map((p) => `${name} schedule: ${p}`));
    for (const spec of info.parameters) {
      const value = contestant.hyperparameters?.[spec.key];
      if (spec.kind === 'boolean') {
        if (typeof value !== 'boolean') problems.push(`${name} ${spec.label} must be on or off.`);
      } else {
        const result = typeof value === 'number' ? checkNumber(spec, value) : { ok: false as const, message: `${spec.label} is missing.` };
        if (!result.ok) problems.push(`${name}: ${result.message}`);
      }
    }
  }
  return problems;
}

export function validateNetwork(network: NetworkSettings | undefined): string[] {
  if (!network || !Array.isArray(network.hiddenLayers)) return ['The network is missing.'];
  const problems: string[] = [];
  const { maxHiddenLayers, minUnits, maxUnits } = NETWORK_LIMITS;
  if (network.hiddenLayers.length > maxHiddenLayers) problems.push(`At most ${maxHiddenLayers} hidden layers.`);
  network.hiddenLayers.forEach((units, i) => {
    if (!Number.isInteger(units) || units < minUnits || units > maxUnits) problems.push(`Layer ${i + 1} units must be a whole number from ${minUnits} to ${maxUnits.toLocaleString('en-US')}.`);
  });
  if (!isActivation(network.activation)) problems.push(`Unknown activation "${String(network.activation)}".`);
  return problems;
}

export function batchesPerEpoch(config: Pick<ExperimentConfig, 'trainExamples' | 'batchSize'>): number {
  return Math.ceil(config.trainExamples / config.batchSize);
}
