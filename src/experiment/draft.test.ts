import { describe, expect, it } from 'vitest';
import { TRAINING_PARAMETERS, defaultExperiment, validateExperiment, type ExperimentConfig } from './config';
import { defaultDraft, draftFromConfig, fieldKey, resolveDraft, type Draft } from './draft';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults, type OptimizerId } from './optimizers';

/** The default experiment with a few values edited, as a user would. */
function editedConfig(): ExperimentConfig {
  const config = defaultExperiment();
  config.epochs = 3;
  config.batchSize = 64;
  config.trainExamples = 10_000;
  config.seed = 7;
  config.optimizers = ['sgd', 'adam'];
  config.hyperparameters.adam.learningRate = 0.01;
  config.hyperparameters.adam.amsgrad = true;
  config.hyperparameters.sgd.momentum = 0.9;
  config.hyperparameters.sgd.nesterov = true;
  config.hyperparameters.rmsprop.centered = true;
  config.hyperparameters.adagrad.epsilon = 1e-10;
  return config;
}

function withText(draft: Draft, key: string, text: string): Draft {
  return { ...draft, text: { ...draft.text, [key]: text } };
}

function withSelected(draft: Draft, selected: OptimizerId[]): Draft {
  return { ...draft, selected };
}

describe('fieldKey', () => {
  it('uses the bare key for training settings and prefixes optimizer settings', () => {
    expect(fieldKey(null, 'epochs')).toBe('epochs');
    expect(fieldKey('adam', 'beta1')).toBe('adam.beta1');
  });
});

describe('defaultDraft', () => {
  it('resolves to exactly the default experiment', () => {
    const resolution = resolveDraft(defaultDraft());
    expect(resolution.errors).toEqual({});
    expect(resolution.general).toEqual([]);
    expect(resolution.config).toEqual(defaultExperiment());
  });

  it('selects every optimizer and has a text field for every number and a flag for every switch', () => {
    const draft = defaultDraft();
    expect(draft.selected).toEqual([...OPTIMIZER_IDS]);
    for (const spec of TRAINING_PARAMETERS) expect(draft.text[spec.key]).toBe(String(spec.defaultValue));
    for (const id of OPTIMIZER_IDS) {
      for (const spec of OPTIMIZERS[id].parameters) {
        const key = fieldKey(id, spec.key);
        if (spec.kind === 'boolean') {
          expect(draft.flags[key]).toBe(spec.defaultValue);
          expect(draft.text[key]).toBeUndefined();
        } else {
          expect(draft.text[key]).toBe(String(spec.defaultValue));
          expect(draft.flags[key]).toBeUndefined();
        }
      }
    }
  });

  it('resolves to a config the worker accepts', () => {
    expect(validateExperiment(resolveDraft(defaultDraft()).config!)).toEqual([]);
  });

  it('returns independent drafts each time', () => {
    const a = defaultDraft();
    a.text.epochs = '99';
    a.selected.pop();
    const b = defaultDraft();
    expect(b.text.epochs).toBe('5');
    expect(b.selected).toEqual([...OPTIMIZER_IDS]);
  });
});

describe('draftFromConfig / resolveDraft', () => {
  it('round-trips a config with edited values', () => {
    const config = editedConfig();
    const draft = draftFromConfig(config);
    expect(draft.text['adam.learningRate']).toBe('0.01');
    expect(draft.text['sgd.momentum']).toBe('0.9');
    expect(draft.flags['sgd.nesterov']).toBe(true);
    expect(draft.text.epochs).toBe('3');

    const resolution = resolveDraft(draft);
    expect(resolution.errors).toEqual({});
    expect(resolution.general).toEqual([]);
    expect(resolution.config).toEqual(config);
  });

  it('round-trips tiny and scientific values (epsilon 1e-7 prints as "1e-7")', () => {
    const config = defaultExperiment();
    config.hyperparameters.adam.epsilon = 1e-12;
    const draft = draftFromConfig(config);
    expect(draft.text['adam.epsilon']).toBe('1e-12');
    expect(draft.text['adagrad.epsilon']).toBe('1e-7');
    expect(resolveDraft(draft).config).toEqual(config);
  });

  it('copies the selection instead of sharing it with the config', () => {
    const config = editedConfig();
    const draft = draftFromConfig(config);
    draft.selected.push('rmsprop');
    expect(config.optimizers).toEqual(['sgd', 'adam']);
  });

  it('puts selected optimizers in catalog order whatever order they were picked in', () => {
    const draft = withSelected(defaultDraft(), ['adam', 'sgd']);
    expect(resolveDraft(draft).config!.optimizers).toEqual(['sgd', 'adam']);

    const scrambled = withSelected(defaultDraft(), ['rmsprop', 'adagrad', 'sgd', 'adadelta', 'adam']);
    expect(resolveDraft(scrambled).config!.optimizers).toEqual([...OPTIMIZER_IDS]);
  });

  it('keeps the hyperparameters of every optimizer, selected or not', () => {
    const config = editedConfig();
    const resolved = resolveDraft(draftFromConfig(config)).config!;
    expect(Object.keys(resolved.hyperparameters).sort()).toEqual([...OPTIMIZER_IDS].sort());
    expect(resolved.hyperparameters.rmsprop.centered).toBe(true);
    expect(resolved.hyperparameters.adagrad.epsilon).toBe(1e-10);
  });

  it('accepts scientific notation, surrounding spaces and thousands separators', () => {
    let draft = withText(defaultDraft(), 'adam.learningRate', ' 1e-2 ');
    draft = withText(draft, 'trainExamples', '10,000');
    draft = withText(draft, 'seed', '1_000');
    const config = resolveDraft(draft).config!;
    expect(config.hyperparameters.adam.learningRate).toBe(0.01);
    expect(config.trainExamples).toBe(10_000);
    expect(config.seed).toBe(1000);
  });

  it('falls back to the default for a missing flag', () => {
    const draft = defaultDraft();
    delete draft.flags['sgd.nesterov'];
    expect(resolveDraft(draft).config!.hyperparameters.sgd.nesterov).toBe(false);
  });
});

describe('resolveDraft: invalid fields of a selected optimizer block', () => {
  it.each([
    ['abc', /Learning rate.*"abc".*not a number/],
    ['0', /Learning rate must be greater than 0 and at most 1,000/],
    ['-1', /Learning rate must be greater than 0/],
    ['5000', /Learning rate must be greater than 0 and at most 1,000/],
    ['', /Learning rate is required/],
    ['0x10', /not a number/],
    ['Infinity', /not a number/],
    ['1e999', /finite/],
  ])('adam.learningRate = %j', (text, message) => {
    const resolution = resolveDraft(withText(defaultDraft(), 'adam.learningRate', text));
    expect(resolution.config).toBeNull();
    expect(resolution.errors['adam.learningRate']).toMatch(message);
    expect(Object.keys(resolution.errors)).toEqual(['adam.learningRate']);
    expect(resolution.general).toEqual([]);
  });

  it('reports a decay rate of exactly 1 (excluded upper bound)', () => {
    const resolution = resolveDraft(withText(defaultDraft(), 'adam.beta2', '1'));
    expect(resolution.config).toBeNull();
    expect(resolution.errors['adam.beta2']).toMatch(/Beta 2 must be at least 0 and less than 1/);
  });

  it('reports a missing text entry as required', () => {
    const draft = defaultDraft();
    delete draft.text['rmsprop.rho'];
    const resolution = resolveDraft(draft);
    expect(resolution.config).toBeNull();
    expect(resolution.errors['rmsprop.rho']).toMatch(/Rho is required/);
  });

  it('reports every bad field, not only the first', () => {
    let draft = withText(defaultDraft(), 'adam.learningRate', 'abc');
    draft = withText(draft, 'sgd.momentum', '2');
    draft = withText(draft, 'epochs', '0');
    const resolution = resolveDraft(draft);
    expect(resolution.config).toBeNull();
    expect(Object.keys(resolution.errors).sort()).toEqual(['adam.learningRate', 'epochs', 'sgd.momentum']);
  });
});

describe('resolveDraft: invalid fields of an unselected optimizer', () => {
  it('are reported but do not block, and fall back to the default value', () => {
    let draft = withSelected(defaultDraft(), ['sgd']);
    draft = withText(draft, 'adam.learningRate', 'abc');
    draft = withText(draft, 'adam.beta1', '1.5');
    const resolution = resolveDraft(draft);
    expect(resolution.errors['adam.learningRate']).toMatch(/not a number/);
    expect(resolution.errors['adam.beta1']).toMatch(/Beta 1 must be at least 0 and less than 1/);
    expect(resolution.general).toEqual([]);
    expect(resolution.config).not.toBeNull();
    expect(resolution.config!.optimizers).toEqual(['sgd']);
    expect(resolution.config!.hyperparameters.adam).toEqual(optimizerDefaults('adam'));
  });

  it('keeps the valid edits of an unselected optimizer', () => {
    let draft = withSelected(defaultDraft(), ['sgd']);
    draft = withText(draft, 'adam.learningRate', '0.05');
    draft = withText(draft, 'adam.beta1', 'oops');
    const config = resolveDraft(draft).config!;
    expect(config.hyperparameters.adam.learningRate).toBe(0.05);
    expect(config.hyperparameters.adam.beta1).toBe(0.9);
  });

  it('block again as soon as that optimizer is selected', () => {
    let draft = withSelected(defaultDraft(), ['sgd']);
    draft = withText(draft, 'adam.learningRate', 'abc');
    expect(resolveDraft(draft).config).not.toBeNull();
    expect(resolveDraft(withSelected(draft, ['sgd', 'adam'])).config).toBeNull();
  });
});

describe('resolveDraft: training settings', () => {
  it.each([
    ['epochs', '0', /Epochs must be at least 1 and at most 100/],
    ['epochs', '101', /Epochs must be at least 1 and at most 100/],
    ['epochs', '2.5', /Epochs must be a whole number/],
    ['batchSize', '1.5', /Batch size must be a whole number/],
    ['batchSize', '0', /Batch size must be at least 1 and at most 4,096/],
    ['trainExamples', '999', /Training examples must be at least 1,000 and at most 60,000/],
    ['trainExamples', '60001', /Training examples must be at least 1,000 and at most 60,000/],
    ['seed', '-1', /Seed must be at least 0/],
    ['seed', '4294967296', /Seed must be at least 0 and at most 4,294,967,295/],
    ['seed', '', /Seed is required/],
  ])('%s = %j blocks', (key, text, message) => {
    const resolution = resolveDraft(withText(defaultDraft(), key, text));
    expect(resolution.config).toBeNull();
    expect(resolution.errors[key]).toMatch(message);
    expect(Object.keys(resolution.errors)).toEqual([key]);
  });

  it.each([
    ['epochs', '1', 1],
    ['epochs', '100', 100],
    ['trainExamples', '1000', 1000],
    ['trainExamples', '60000', 60_000],
    ['seed', '4294967295', 2 ** 32 - 1],
    ['batchSize', '4096', 4096],
  ])('%s = %j is accepted at the boundary', (key, text, value) => {
    const config = resolveDraft(withText(defaultDraft(), key, text)).config;
    expect(config).not.toBeNull();
    expect(config![key as 'epochs']).toBe(value);
  });

  it('block even when no optimizer is selected', () => {
    const resolution = resolveDraft(withText(withSelected(defaultDraft(), []), 'epochs', '0'));
    expect(resolution.config).toBeNull();
    expect(resolution.errors.epochs).toBeDefined();
    expect(resolution.general).toHaveLength(1);
  });
});

describe('resolveDraft: selection', () => {
  it('with no optimizer selected gives a general message and no config', () => {
    const resolution = resolveDraft(withSelected(defaultDraft(), []));
    expect(resolution.config).toBeNull();
    expect(resolution.errors).toEqual({});
    expect(resolution.general).toEqual(['Choose at least one optimizer to train.']);
  });

  it('ignores unknown ids in the selection', () => {
    const draft = withSelected(defaultDraft(), ['bogus' as OptimizerId, 'adam']);
    expect(resolveDraft(draft).config!.optimizers).toEqual(['adam']);
  });
});
