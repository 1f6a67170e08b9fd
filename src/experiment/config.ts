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
import { articleNetwork, isActivation, NETWORK_LIMITS, parameterCount, type NetworkSettings } from './network';
import { knobProblem } from './knobs';
import { OPTIMIZERS } from './optimizers';
import { scheduleProblems } from './schedules';
import { checkNumber, defaultValues, type NumberParameter } from './parameters';

export const TRAIN_SET_SIZE = 60_000;
export const TEST_SET_SIZE = 10_000;
/** Seeds per contestant: enough for a spread, few enough that 12 contestants still fit in memory. */
export const MAX_SEEDS = 10;

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
  {
    kind: 'number',
    key: 'seeds',
    label: 'Seeds',
    defaultValue: 1,
    min: 1,
    max: MAX_SEEDS,
    integer: true,
    help: 'Trains every contestant once per seed (the seed, the seed + 1, …) and shows the mean with its spread.',
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

/** One contestant trained from one seed: what a worker's engine runs and the events name. */
export interface Training {
  contestant: Contestant;
  /** 0 for the experiment's seed, 1 for seed + 1, … */
  seedOffset: number;
}

/**
 * Names a training in events and the store: the contestant's key for the experiment's
 * own seed (so a one-seed run is named as before seeds existed), "adam+2" for seed + 2.
 */
export function trainingId(key: string, seedOffset: number): string {
  return seedOffset ? `${key}+${seedOffset}` : key;
}

/** Every training of the experiment: each contestant that trains, once per seed, contestant by contestant. */
export function experimentTrainings(config: Pick<ExperimentConfig, 'contestants' | 'seeds'>): Training[] {
  return trainingContestants(config).flatMap((contestant) => Array.from({ length: config.seeds }, (_, seedOffset) => ({ contestant, seedOffset })));
}

/**
 * Every training keeps its weights and optimizer slots in float32 for the whole run, in
 * the workers of one tab; seeds multiply that. The cap leaves twelve contestants of the
 * widest network (3 × 1,024 units, about 35 MB each with Adam) one seed to two, and the
 * article's network all 120 trainings (about 150 MB).
 */
export const MAX_TRAINING_STATE_BYTES = 1e9;

/** Bytes of weights and optimizer slots of every training of the experiment. */
export function trainingStateBytes(config: Pick<ExperimentConfig, 'contestants' | 'seeds' | 'network'>): number {
  const perCopy = 4 * parameterCount(config.network);
  const perSeed = trainingContestants(config).reduce((sum, c) => sum + perCopy * (1 + Object.keys(OPTIMIZERS[c.optimizer].slots(c.hyperparameters)).length), 0);
  return perSeed * config.seeds;
}

/** Why the experiment would need too much memory, or undefined. */
export function trainingStateProblem(config: Pick<ExperimentConfig, 'contestants' | 'seeds' | 'network'>): string | undefined {
  const bytes = trainingStateBytes(config);
  if (bytes <= MAX_TRAINING_STATE_BYTES) return undefined;
  const gb = (value: number) => `${Math.ceil(value / 1e6).toLocaleString('en-US')} MB`;
  const contestants = trainingContestants(config).length;
  return `${contestants} contestant${contestants === 1 ? '' : 's'} × ${config.seeds} seeds of this network need ${gb(bytes)} for weights and optimizer state, over the ${gb(MAX_TRAINING_STATE_BYTES)} a tab can safely hold. Use fewer seeds or contestants, or a smaller network.`;
}

/** The seed of a training: the experiment's seed plus the offset, wrapping past 2³² − 1 as the generator's state does. */
export function trainingSeed(seed: number, seedOffset: number): number {
  return (seed + seedOffset) >>> 0;
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
  if (!problems.length) {
    const memory = trainingStateProblem(config);
    if (memory) problems.push(memory);
  }
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
