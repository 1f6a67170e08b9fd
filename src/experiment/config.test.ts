import { describe, expect, it } from 'vitest';
import {
  batchesPerEpoch,
  defaultExperiment,
  InvalidExperimentError,
  trainingContestants,
  TRAIN_SET_SIZE,
  validateExperiment,
  validateNetwork,
  type ExperimentConfig,
  experimentTrainings,
  trainingId,
  trainingSeed,
  trainingStateBytes,
} from './config';
import { contestantKey, MAX_CONTESTANTS, type Contestant } from './contestants';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults, type OptimizerId } from './optimizers';

/** The contestant of a config by key ("adam", "adam2"). */
function contestant(config: ExperimentConfig, key: string): Contestant {
  const found = config.contestants.find((c) => contestantKey(c) === key);
  if (!found) throw new Error(`no contestant ${key}`);
  return found;
}

/** A default experiment with some changes; hyperparameters are merged per contestant key. */
function withChanges(
  changes: Partial<Omit<ExperimentConfig, 'contestants'>> & { hyperparameters?: Record<string, Record<string, unknown>>; selected?: string[] },
): ExperimentConfig {
  const base = defaultExperiment();
  const { hyperparameters = {}, selected, ...rest } = changes;
  for (const [key, values] of Object.entries(hyperparameters)) {
    const target = contestant(base, key);
    target.hyperparameters = { ...target.hyperparameters, ...(values as object) } as Contestant['hyperparameters'];
  }
  if (selected) for (const c of base.contestants) c.selected = selected.includes(contestantKey(c));
  return { ...base, ...rest };
}

/** A second contestant of `optimizer` at Keras defaults, selected. */
function extra(optimizer: OptimizerId, ordinal: number, selected = true): Contestant {
  return { optimizer, ordinal, selected, hyperparameters: optimizerDefaults(optimizer) };
}

describe('defaultExperiment', () => {
  const config = defaultExperiment();

  it('trains for 5 epochs with batches of 128 on all 60,000 training examples', () => {
    expect(config.epochs).toBe(5);
    expect(config.batchSize).toBe(128);
    expect(config.trainExamples).toBe(60000);
    expect(TRAIN_SET_SIZE).toBe(60000);
    expect(Number.isInteger(config.seed)).toBe(true);
  });

  it('selects the article five, one contestant per optimizer, in catalog order', () => {
    expect(config.contestants.map(contestantKey)).toEqual([...OPTIMIZER_IDS]);
    expect(config.contestants.every((c) => c.ordinal === 1)).toBe(true);
    expect(config.contestants.filter((c) => c.selected).map(contestantKey)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
    expect(contestant(config, 'nadam').selected).toBe(false);
    expect(trainingContestants(config).map(contestantKey)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
  });

  it("uses the article's network: one hidden layer of 128 ReLU units", () => {
    expect(config.network).toEqual({ hiddenLayers: [128], activation: 'relu' });
  });

  // Keras 3 defaults (keras/src/optimizers/*.py); exact objects, so an extra or renamed key fails too.
  // The base optimizer's knobs (weight_decay, clipnorm, clipvalue, global_clipnorm) default to None: off.
  const KNOBS_OFF = { weightDecay: 0, clipNorm: 0, clipValue: 0, globalClipNorm: 0 };
  it('uses the Keras defaults for SGD', () => {
    expect(contestant(config, 'sgd').hyperparameters).toEqual({ ...KNOBS_OFF, learningRate: 0.01, momentum: 0, nesterov: false });
  });

  it('uses the Keras defaults for Adam', () => {
    expect(contestant(config, 'adam').hyperparameters).toEqual({ ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
  });

  it('uses the Keras defaults for Adagrad', () => {
    expect(contestant(config, 'adagrad').hyperparameters).toEqual({ ...KNOBS_OFF, learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 });
  });

  it('uses the Keras defaults for Adadelta', () => {
    expect(contestant(config, 'adadelta').hyperparameters).toEqual({ ...KNOBS_OFF, learningRate: 0.001, rho: 0.95, epsilon: 1e-7 });
  });

  it('uses the Keras defaults for RMSprop', () => {
    expect(contestant(config, 'rmsprop').hyperparameters).toEqual({ ...KNOBS_OFF, learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
  });

  it('uses the Keras defaults for Nadam', () => {
    expect(contestant(config, 'nadam').hyperparameters).toEqual({ ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  });

  it("uses Keras's AdamW default weight decay, 0.004, through the shared knob", () => {
    expect(contestant(config, 'adamw').hyperparameters).toEqual({ ...KNOBS_OFF, weightDecay: 0.004, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
  });

  it('has exactly one contestant per optimizer of the catalog', () => {
    expect(config.contestants.map((c) => c.optimizer).sort()).toEqual([...OPTIMIZER_IDS].sort());
  });

  it('returns a fresh copy each time, so editing one does not change the next', () => {
    const first = defaultExperiment();
    first.contestants.pop();
    first.contestants[1].hyperparameters.learningRate = 5;
    first.contestants[0].selected = false;
    first.network.hiddenLayers.push(64);
    first.epochs = 99;
    const second = defaultExperiment();
    expect(second.contestants).toHaveLength(OPTIMIZER_IDS.length);
    expect(contestant(second, 'adam').hyperparameters.learningRate).toBe(0.001);
    expect(contestant(second, 'sgd').selected).toBe(true);
    expect(second.network.hiddenLayers).toEqual([128]);
    expect(second.epochs).toBe(5);
  });
});

describe('trainingContestants', () => {
  it('is the selected contestants in the order of the list', () => {
    const config = withChanges({ selected: ['sgd', 'rmsprop', 'adam2'] });
    config.contestants.splice(2, 0, extra('adam', 2));
    expect(trainingContestants(config).map(contestantKey)).toEqual(['sgd', 'adam2', 'rmsprop']);
  });
});

describe('validateExperiment', () => {
  it('finds no problems in the defaults', () => {
    expect(validateExperiment(defaultExperiment())).toEqual([]);
  });

  it('finds no problems at the edges of every allowed range', () => {
    expect(validateExperiment(withChanges({ epochs: 1, batchSize: 4096, trainExamples: 1000, seed: 2 ** 32 - 1 }))).toEqual([]);
    expect(validateExperiment(withChanges({ epochs: 100, batchSize: 1, trainExamples: 60000, seed: 0 }))).toEqual([]);
  });

  it.each([
    [{ epochs: 0 }, 'Epochs must be at least 1 and at most 100.'],
    [{ epochs: 101 }, 'Epochs must be at least 1 and at most 100.'],
    [{ epochs: 2.5 }, 'Epochs must be a whole number.'],
    [{ batchSize: 0 }, 'Batch size must be at least 1 and at most 4,096.'],
    [{ batchSize: 5000 }, 'Batch size must be at least 1 and at most 4,096.'],
    [{ batchSize: Number.NaN }, 'Batch size must be a finite number.'],
    [{ trainExamples: 999 }, 'Training examples must be at least 1,000 and at most 60,000.'],
    [{ trainExamples: 60001 }, 'Training examples must be at least 1,000 and at most 60,000.'],
    [{ seed: -1 }, 'Seed must be at least 0 and at most 4,294,967,295.'],
    [{ seed: Number.POSITIVE_INFINITY }, 'Seed must be a finite number.'],
  ] as const)('reports a bad training setting %j', (change, message) => {
    expect(validateExperiment(withChanges(change))).toEqual([message]);
  });

  it('reports an empty selection', () => {
    expect(validateExperiment(withChanges({ selected: [] }))).toEqual(['Choose at least one optimizer.']);
    expect(validateExperiment({ ...defaultExperiment(), contestants: [] })).toEqual(['Choose at least one optimizer.']);
  });

  it('reports an unknown optimizer id', () => {
    const config = defaultExperiment();
    config.contestants.push({ optimizer: 'nosuchopt' as OptimizerId, ordinal: 1, selected: true, hyperparameters: {} });
    expect(validateExperiment(config)).toEqual(['Unknown optimizer "nosuchopt".']);
  });

  it('accepts a second contestant of an optimizer, and up to 12 selected', () => {
    const config = defaultExperiment();
    config.contestants.splice(2, 0, { ...extra('adam', 2), hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } });
    expect(validateExperiment(config)).toEqual([]);
    const full = defaultExperiment();
    const selectedByDefault = trainingContestants(full).length;
    full.contestants.push(...Array.from({ length: MAX_CONTESTANTS - selectedByDefault }, (_, i) => extra('sgd', i + 2)));
    expect(trainingContestants(full)).toHaveLength(12);
    expect(validateExperiment(full)).toEqual([]);
  });

  it('reports more than 12 selected contestants', () => {
    const config = defaultExperiment();
    config.contestants.push(...Array.from({ length: MAX_CONTESTANTS + 1 - trainingContestants(config).length }, (_, i) => extra('adam', i + 2)));
    expect(validateExperiment(config)).toEqual(['At most 12 contestants can train at once; 13 are selected.']);
    // Unticked ones do not count.
    config.contestants[0].selected = false;
    expect(validateExperiment(config)).toEqual([]);
  });

  it('reports the same contestant twice', () => {
    const config = defaultExperiment();
    config.contestants.push(extra('adam', 2), extra('adam', 2, false));
    expect(validateExperiment(config)).toEqual(['Adam 2 appears twice.']);
  });

  it.each([0, 13, 1.5, -1, Number.NaN])('reports contestant number %s', (ordinal) => {
    const config = defaultExperiment();
    config.contestants.push(extra('rmsprop', ordinal));
    expect(validateExperiment(config)).toEqual([`RMSprop: contestant number ${ordinal} is not between 1 and 12.`]);
  });

  it("names a later contestant's problems after it", () => {
    const config = defaultExperiment();
    config.contestants.push({ ...extra('adam', 2), hyperparameters: { ...optimizerDefaults('adam'), beta1: 1, amsgrad: 'yes' as unknown as boolean } });
    expect(validateExperiment(config)).toEqual(['Adam 2: Beta 1 must be at least 0 and less than 1.', 'Adam 2 AMSGrad must be on or off.']);
  });

  it.each([
    ['sgd', { learningRate: 0 }, 'SGD: Learning rate must be greater than 0 and at most 1,000.'],
    ['sgd', { learningRate: 1001 }, 'SGD: Learning rate must be greater than 0 and at most 1,000.'],
    ['sgd', { momentum: 1 }, 'SGD: Momentum must be at least 0 and less than 1.'],
    ['adam', { beta1: 1 }, 'Adam: Beta 1 must be at least 0 and less than 1.'],
    ['adam', { beta2: -0.1 }, 'Adam: Beta 2 must be at least 0 and less than 1.'],
    ['adam', { epsilon: 0 }, 'Adam: Epsilon must be at least 1e-12 and at most 1.'],
    ['adagrad', { initialAccumulator: -1 }, 'Adagrad: Initial accumulator must be at least 0 and at most 100.'],
    ['adadelta', { rho: 1 }, 'Adadelta: Rho must be at least 0 and less than 1.'],
    ['rmsprop', { learningRate: Number.NaN }, 'RMSprop: Learning rate must be a finite number.'],
    ['rmsprop', { epsilon: 2 }, 'RMSprop: Epsilon must be at least 1e-12 and at most 1.'],
  ] as const)('reports a bad %s hyperparameter %j', (id, change, message) => {
    expect(validateExperiment(withChanges({ hyperparameters: { [id]: change } }))).toEqual([message]);
  });

  it('reports a missing numeric hyperparameter', () => {
    const config = defaultExperiment();
    delete contestant(config, 'adadelta').hyperparameters.rho;
    expect(validateExperiment(config)).toEqual(['Adadelta: Rho is missing.']);
  });

  it('reports a numeric hyperparameter given as text', () => {
    expect(validateExperiment(withChanges({ hyperparameters: { adam: { learningRate: '0.001' } } }))).toEqual(['Adam: Learning rate is missing.']);
  });

  it('reports a switch that is not a boolean', () => {
    expect(validateExperiment(withChanges({ hyperparameters: { sgd: { nesterov: 1 } } }))).toEqual(['SGD Nesterov momentum must be on or off.']);
    expect(validateExperiment(withChanges({ hyperparameters: { rmsprop: { centered: undefined } } }))).toEqual(['RMSprop Centered must be on or off.']);
  });

  it('reports an optimizer whose hyperparameters are absent altogether', () => {
    const config = defaultExperiment();
    delete (contestant(config, 'adagrad') as Partial<Contestant>).hyperparameters;
    const problems = validateExperiment(config);
    expect(problems).toHaveLength(OPTIMIZERS.adagrad.parameters.length);
    expect(problems.every((p) => p.startsWith('Adagrad: ') && p.endsWith(' is missing.'))).toBe(true);
  });

  // Version 1 checked only the selected optimizers. Now every contestant in the list is
  // checked, ticked or not: every config the app builds (form, link, file) holds only valid
  // values for unticked contestants too (the form keeps a bad unticked field as text and
  // resolves it to its default; see draft.test.ts), so toggling still keeps the edits.
  it('checks the settings of unselected contestants too, and they do not count as selected', () => {
    const config = withChanges({ selected: ['sgd'], hyperparameters: { adam: { learningRate: -1 } } });
    expect(validateExperiment(config)).toEqual(['Adam: Learning rate must be greater than 0 and at most 1,000.']);
    contestant(config, 'adam').selected = true;
    expect(validateExperiment(config)).toEqual(['Adam: Learning rate must be greater than 0 and at most 1,000.']);
    contestant(config, 'adam').hyperparameters.learningRate = 0.5;
    contestant(config, 'adam').selected = false;
    expect(validateExperiment(config)).toEqual([]);
  });

  it('lists every problem at once', () => {
    const problems = validateExperiment(withChanges({ epochs: 0, batchSize: 0.5, hyperparameters: { sgd: { learningRate: 0 }, adam: { beta1: 2 } } }));
    expect(problems).toEqual([
      'Epochs must be at least 1 and at most 100.',
      'Batch size must be a whole number.',
      'SGD: Learning rate must be greater than 0 and at most 1,000.',
      'Adam: Beta 1 must be at least 0 and less than 1.',
    ]);
  });
});

describe('validateNetwork', () => {
  it.each([
    [{ hiddenLayers: [], activation: 'relu' }],
    [{ hiddenLayers: [8], activation: 'tanh' }],
    [{ hiddenLayers: [1024, 256, 8], activation: 'sigmoid' }],
  ] as const)('accepts %j', (network) => {
    expect(validateNetwork({ ...network, hiddenLayers: [...network.hiddenLayers] })).toEqual([]);
    expect(validateExperiment({ ...defaultExperiment(), network: { ...network, hiddenLayers: [...network.hiddenLayers] } })).toEqual([]);
  });

  it('reports too many layers, units out of range and an unknown activation', () => {
    expect(validateNetwork({ hiddenLayers: [128, 128, 128, 128], activation: 'relu' })).toEqual(['At most 3 hidden layers.']);
    expect(validateNetwork({ hiddenLayers: [7, 1025, 12.5], activation: 'relu' })).toEqual([
      'Layer 1 units must be a whole number from 8 to 1,024.',
      'Layer 2 units must be a whole number from 8 to 1,024.',
      'Layer 3 units must be a whole number from 8 to 1,024.',
    ]);
    expect(validateNetwork({ hiddenLayers: [128], activation: 'gelu' as 'relu' })).toEqual(['Unknown activation "gelu".']);
    expect(validateNetwork(undefined)).toEqual(['The network is missing.']);
    expect(validateExperiment({ ...defaultExperiment(), network: { hiddenLayers: [4], activation: 'relu' } })).toEqual([
      'Layer 1 units must be a whole number from 8 to 1,024.',
    ]);
  });
});

describe('InvalidExperimentError', () => {
  it('carries the problems and joins them into its message', () => {
    const error = new InvalidExperimentError(['Epochs must be a whole number.', 'Choose at least one optimizer.']);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidExperimentError');
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe('Invalid experiment: Epochs must be a whole number. Choose at least one optimizer.');
  });
});

describe('batchesPerEpoch', () => {
  it('rounds a partial last batch up', () => {
    expect(batchesPerEpoch({ trainExamples: 60000, batchSize: 128 })).toBe(469);
    expect(batchesPerEpoch({ trainExamples: 1000, batchSize: 100 })).toBe(10);
    expect(batchesPerEpoch({ trainExamples: 1000, batchSize: 4096 })).toBe(1);
  });
});

describe('several seeds', () => {
  it('trains every selected contestant once per seed, named by contestant and seed offset', () => {
    const config = defaultExperiment();
    config.seeds = 3;
    const trainings = experimentTrainings(config);
    expect(trainings).toHaveLength(15);
    expect(trainings.slice(0, 4).map((t) => trainingId(contestantKey(t.contestant), t.seedOffset))).toEqual(['sgd', 'sgd+1', 'sgd+2', 'adam']);
    expect(trainingSeed(42, 2)).toBe(44);
    expect(trainingSeed(2 ** 32 - 1, 1)).toBe(0);
    expect(validateExperiment({ ...config, seeds: 0 })).toEqual(['Seeds must be at least 1 and at most 10.']);
    expect(validateExperiment({ ...config, seeds: 2.5 })).toEqual(['Seeds must be a whole number.']);
  });

  it("refuses what would not fit in a tab's memory, saying why, and allows the article network's 12 × 10", () => {
    const config = defaultExperiment();
    // The article's five, each a copy of the 101,770 weights plus the slots its definition declares (an upper bound: a
    // variant may use fewer): 15 copies in all.
    const slots = trainingContestants(config).reduce((sum, c) => sum + Object.keys(OPTIMIZERS[c.optimizer].slots(c.hyperparameters)).length, 0);
    expect(slots).toBe(10);
    expect(trainingStateBytes(config)).toBe(4 * 101_770 * (5 + slots));
    config.seeds = 10;
    for (const c of config.contestants) c.selected = c.ordinal === 1;
    // Every optimizer's first contestant, and more Adams up to 12.
    config.contestants.push(
      ...Array.from({ length: MAX_CONTESTANTS - OPTIMIZER_IDS.length }, (_, i) => ({ optimizer: 'adam' as const, ordinal: i + 2, selected: true, hyperparameters: optimizerDefaults('adam') })),
    );
    expect(trainingContestants(config)).toHaveLength(12);
    expect(validateExperiment(config)).toEqual([]);
    config.network = { hiddenLayers: [1024, 1024, 1024], activation: 'relu' };
    const [problem] = validateExperiment(config);
    expect(problem).toMatch(/^12 contestants × 10 seeds of this network need [\d,]+ MB for weights and optimizer state, over the 1,000 MB a tab can safely hold\. Use fewer seeds or contestants, or a smaller network\.$/);
    config.seeds = 1;
    expect(validateExperiment(config)).toEqual([]);
  });
});
