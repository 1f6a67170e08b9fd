import { describe, expect, it } from 'vitest';
import { batchesPerEpoch, defaultExperiment, InvalidExperimentError, TRAIN_SET_SIZE, validateExperiment, type ExperimentConfig } from './config';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from './optimizers';

/** A default experiment with some changes; hyperparameters are merged per optimizer. */
function withChanges(
  changes: Partial<Omit<ExperimentConfig, 'hyperparameters'>> & { hyperparameters?: Partial<Record<OptimizerId, Record<string, unknown>>> },
): ExperimentConfig {
  const base = defaultExperiment();
  const { hyperparameters = {}, ...rest } = changes;
  const merged = { ...base.hyperparameters };
  for (const [id, values] of Object.entries(hyperparameters)) {
    merged[id as OptimizerId] = { ...merged[id as OptimizerId], ...(values as object) } as ExperimentConfig['hyperparameters'][OptimizerId];
  }
  return { ...base, ...rest, hyperparameters: merged };
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

  it('selects all five optimizers in catalog order', () => {
    expect(config.optimizers).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
  });

  // Keras 3 defaults (keras/src/optimizers/*.py); exact objects, so an extra or renamed key fails too.
  it('uses the Keras defaults for SGD', () => {
    expect(config.hyperparameters.sgd).toEqual({ learningRate: 0.01, momentum: 0, nesterov: false });
  });

  it('uses the Keras defaults for Adam', () => {
    expect(config.hyperparameters.adam).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
  });

  it('uses the Keras defaults for Adagrad', () => {
    expect(config.hyperparameters.adagrad).toEqual({ learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 });
  });

  it('uses the Keras defaults for Adadelta', () => {
    expect(config.hyperparameters.adadelta).toEqual({ learningRate: 0.001, rho: 0.95, epsilon: 1e-7 });
  });

  it('uses the Keras defaults for RMSprop', () => {
    expect(config.hyperparameters.rmsprop).toEqual({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
  });

  it('has hyperparameters for exactly the five optimizers', () => {
    expect(Object.keys(config.hyperparameters).sort()).toEqual([...OPTIMIZER_IDS].sort());
  });

  it('returns a fresh copy each time, so editing one does not change the next', () => {
    const first = defaultExperiment();
    first.optimizers.pop();
    first.hyperparameters.adam.learningRate = 5;
    first.epochs = 99;
    const second = defaultExperiment();
    expect(second.optimizers).toHaveLength(5);
    expect(second.hyperparameters.adam.learningRate).toBe(0.001);
    expect(second.epochs).toBe(5);
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
    expect(validateExperiment(withChanges({ optimizers: [] }))).toEqual(['Choose at least one optimizer.']);
  });

  it('reports an unknown optimizer id', () => {
    expect(validateExperiment(withChanges({ optimizers: ['adam', 'lion' as OptimizerId] }))).toEqual(['Unknown optimizer "lion".']);
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
    delete config.hyperparameters.adadelta.rho;
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
    delete (config.hyperparameters as Partial<ExperimentConfig['hyperparameters']>).adagrad;
    const problems = validateExperiment(config);
    expect(problems).toHaveLength(OPTIMIZERS.adagrad.parameters.length);
    expect(problems.every((p) => p.startsWith('Adagrad: ') && p.endsWith(' is missing.'))).toBe(true);
  });

  it('ignores the settings of optimizers that are not selected, so their edits survive toggling', () => {
    const config = withChanges({ optimizers: ['sgd'], hyperparameters: { adam: { learningRate: -1 } } });
    expect(validateExperiment(config)).toEqual([]);
    expect(validateExperiment({ ...config, optimizers: ['sgd', 'adam'] })).toEqual(['Adam: Learning rate must be greater than 0 and at most 1,000.']);
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
