import { describe, expect, it } from 'vitest';
import { TRAINING_PARAMETERS, defaultExperiment, trainingContestants, validateExperiment, type ExperimentConfig } from './config';
import { ARTICLE_OPTIMIZERS, contestantKey, MAX_CONTESTANTS, type Contestant } from './contestants';
import {
  addContestant,
  bestEffortConfig,
  canAddContestant,
  defaultDraft,
  draftFromConfig,
  fieldKey,
  removeContestant,
  resetContestant,
  resolveDraft,
  setContestantSelected,
  type Draft,
} from './draft';
import { ACTIVATION_PARAMETER, HIDDEN_LAYERS_PARAMETER, LAYER_UNITS_PARAMETERS } from './network';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from './optimizers';

/** The contestant of a config by key ("adam", "adam2"). */
function contestant(config: Pick<ExperimentConfig, 'contestants'>, key: string): Contestant {
  const found = config.contestants.find((c) => contestantKey(c) === key);
  if (!found) throw new Error(`no contestant ${key}`);
  return found;
}

/** Every first contestant's key in catalog order, with "adam2" right after "adam" (editedConfig's list). */
const KEYS_WITH_ADAM2 = OPTIMIZER_IDS.flatMap((id): string[] => (id === 'adam' ? ['adam', 'adam2'] : [id]));

/** The keys of the contestants that train. */
const trained = (config: ExperimentConfig | null) => trainingContestants(config!).map(contestantKey);

/** The default experiment with a few values edited, as a user would. */
function editedConfig(): ExperimentConfig {
  const config = defaultExperiment();
  config.epochs = 3;
  config.batchSize = 64;
  config.trainExamples = 10_000;
  config.seed = 7;
  config.network = { hiddenLayers: [256, 64], activation: 'tanh' };
  for (const c of config.contestants) c.selected = c.optimizer === 'sgd' || c.optimizer === 'adam';
  contestant(config, 'adam').hyperparameters.learningRate = 0.01;
  contestant(config, 'adam').hyperparameters.amsgrad = true;
  contestant(config, 'sgd').hyperparameters.momentum = 0.9;
  contestant(config, 'sgd').hyperparameters.nesterov = true;
  contestant(config, 'rmsprop').hyperparameters.centered = true;
  contestant(config, 'adagrad').hyperparameters.epsilon = 1e-10;
  // Adam 2 beside Adam, at a higher rate.
  config.contestants.splice(2, 0, { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.005 } });
  return config;
}

function withText(draft: Draft, key: string, text: string): Draft {
  return { ...draft, text: { ...draft.text, [key]: text } };
}

/** Ticks exactly the contestants named (by key). */
function withSelected(draft: Draft, selected: string[]): Draft {
  return { ...draft, contestants: draft.contestants.map((c) => ({ ...c, selected: selected.includes(contestantKey(c)) })) };
}

describe('fieldKey', () => {
  it("uses the bare key for shared settings and prefixes a contestant's settings with its key", () => {
    expect(fieldKey(null, 'epochs')).toBe('epochs');
    expect(fieldKey(null, 'layer2Units')).toBe('layer2Units');
    expect(fieldKey('adam', 'beta1')).toBe('adam.beta1');
    expect(fieldKey('adam2', 'beta1')).toBe('adam2.beta1');
  });
});

describe('defaultDraft', () => {
  it('resolves to exactly the default experiment', () => {
    const resolution = resolveDraft(defaultDraft());
    expect(resolution.errors).toEqual({});
    expect(resolution.general).toEqual([]);
    expect(resolution.config).toEqual(defaultExperiment());
  });

  it('lists every optimizer, ticks the article five, and has a text field for every number and a flag for every switch', () => {
    const draft = defaultDraft();
    expect(draft.contestants).toEqual(OPTIMIZER_IDS.map((optimizer) => ({ optimizer, ordinal: 1, selected: ARTICLE_OPTIMIZERS.includes(optimizer) })));
    expect(draft.contestants.find((c) => c.optimizer === 'nadam')?.selected).toBe(false);
    for (const spec of TRAINING_PARAMETERS) expect(draft.text[spec.key]).toBe(String(spec.defaultValue));
    expect(draft.text.hiddenLayers).toBe('1');
    for (const spec of LAYER_UNITS_PARAMETERS) expect(draft.text[spec.key]).toBe('128');
    // The activation, and every contestant's schedule, constant.
    expect(draft.choices).toEqual({ activation: 'relu', ...Object.fromEntries(OPTIMIZER_IDS.map((id) => [`${id}.schedule`, 'constant'])) });
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
    a.contestants.pop();
    a.contestants[0].selected = false;
    a.choices.activation = 'tanh';
    const b = defaultDraft();
    expect(b.text.epochs).toBe('5');
    expect(b.contestants.map(contestantKey)).toEqual([...OPTIMIZER_IDS]);
    expect(b.contestants[0].selected).toBe(true);
    expect(b.choices.activation).toBe('relu');
  });
});

describe('draftFromConfig / resolveDraft', () => {
  it('round-trips a config with edited values', () => {
    const config = editedConfig();
    const draft = draftFromConfig(config);
    expect(draft.text['adam.learningRate']).toBe('0.01');
    expect(draft.text['adam2.learningRate']).toBe('0.005');
    expect(draft.flags['adam2.amsgrad']).toBe(false);
    expect(draft.text['sgd.momentum']).toBe('0.9');
    expect(draft.flags['sgd.nesterov']).toBe(true);
    expect(draft.text.epochs).toBe('3');
    expect(draft.text.hiddenLayers).toBe('2');
    expect(draft.text.layer1Units).toBe('256');
    expect(draft.text.layer2Units).toBe('64');
    expect(draft.text.layer3Units).toBe('128'); // unused layer: its default, ready if a layer is added
    expect(draft.choices.activation).toBe('tanh');
    expect(draft.contestants.map(contestantKey)).toEqual(KEYS_WITH_ADAM2);

    const resolution = resolveDraft(draft);
    expect(resolution.errors).toEqual({});
    expect(resolution.general).toEqual([]);
    expect(resolution.config).toEqual(config);
  });

  it('round-trips tiny and scientific values (epsilon 1e-7 prints as "1e-7")', () => {
    const config = defaultExperiment();
    contestant(config, 'adam').hyperparameters.epsilon = 1e-12;
    const draft = draftFromConfig(config);
    expect(draft.text['adam.epsilon']).toBe('1e-12');
    expect(draft.text['adagrad.epsilon']).toBe('1e-7');
    expect(resolveDraft(draft).config).toEqual(config);
  });

  it('copies the contestants instead of sharing them with the config', () => {
    const config = editedConfig();
    const draft = draftFromConfig(config);
    draft.contestants[4].selected = true;
    draft.contestants.pop();
    expect(trained(config)).toEqual(['sgd', 'adam', 'adam2']);
    expect(config.contestants).toHaveLength(OPTIMIZER_IDS.length + 1);
    const resolved = resolveDraft(draftFromConfig(config)).config!;
    resolved.contestants[0].hyperparameters.learningRate = 9;
    resolved.network.hiddenLayers.push(8);
    expect(contestant(config, 'sgd').hyperparameters.learningRate).toBe(0.01);
    expect(config.network.hiddenLayers).toEqual([256, 64]);
  });

  it('puts contestants in catalog order, then by number, whatever order the config lists them in', () => {
    const config = editedConfig();
    config.contestants.reverse();
    const draft = draftFromConfig(config);
    expect(draft.contestants.map(contestantKey)).toEqual(KEYS_WITH_ADAM2);
    expect(trained(resolveDraft(draft).config)).toEqual(['sgd', 'adam', 'adam2']);
  });

  it('keeps the selection in catalog order whatever order the boxes were ticked in', () => {
    let draft = withSelected(defaultDraft(), []);
    for (const key of ['rmsprop', 'adam', 'sgd']) draft = setContestantSelected(draft, key, true);
    expect(trained(resolveDraft(draft).config)).toEqual(['sgd', 'adam', 'rmsprop']);
    draft = setContestantSelected(draft, 'adam', false);
    draft = setContestantSelected(draft, 'sgd', true); // already ticked: no duplicate
    expect(trained(resolveDraft(draft).config)).toEqual(['sgd', 'rmsprop']);
    expect(draft.contestants).toHaveLength(OPTIMIZER_IDS.length);
  });

  it('keeps the hyperparameters of every contestant, selected or not', () => {
    const config = editedConfig();
    const resolved = resolveDraft(draftFromConfig(config)).config!;
    expect(resolved.contestants.map(contestantKey)).toEqual(KEYS_WITH_ADAM2);
    expect(contestant(resolved, 'rmsprop').hyperparameters.centered).toBe(true);
    expect(contestant(resolved, 'rmsprop').selected).toBe(false);
    expect(contestant(resolved, 'adagrad').hyperparameters.epsilon).toBe(1e-10);
  });

  it('accepts scientific notation, surrounding spaces and thousands separators', () => {
    let draft = withText(defaultDraft(), 'adam.learningRate', ' 1e-2 ');
    draft = withText(draft, 'trainExamples', '10,000');
    draft = withText(draft, 'seed', '1_000');
    const config = resolveDraft(draft).config!;
    expect(contestant(config, 'adam').hyperparameters.learningRate).toBe(0.01);
    expect(config.trainExamples).toBe(10_000);
    expect(config.seed).toBe(1000);
  });

  it('falls back to the default for a missing flag', () => {
    const draft = defaultDraft();
    delete draft.flags['sgd.nesterov'];
    expect(contestant(resolveDraft(draft).config!, 'sgd').hyperparameters.nesterov).toBe(false);
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
    expect(trained(resolution.config)).toEqual(['sgd']);
    expect(contestant(resolution.config!, 'adam').hyperparameters).toEqual(optimizerDefaults('adam'));
    // The text is kept, so ticking the box again shows what was typed.
    expect(draft.text['adam.learningRate']).toBe('abc');
  });

  it('keeps the valid edits of an unselected optimizer', () => {
    let draft = withSelected(defaultDraft(), ['sgd']);
    draft = withText(draft, 'adam.learningRate', '0.05');
    draft = withText(draft, 'adam.beta1', 'oops');
    const config = resolveDraft(draft).config!;
    expect(contestant(config, 'adam').hyperparameters.learningRate).toBe(0.05);
    expect(contestant(config, 'adam').hyperparameters.beta1).toBe(0.9);
    expect(validateExperiment(config)).toEqual([]);
  });

  it('block again as soon as that optimizer is selected', () => {
    let draft = withSelected(defaultDraft(), ['sgd']);
    draft = withText(draft, 'adam.learningRate', 'abc');
    expect(resolveDraft(draft).config).not.toBeNull();
    expect(resolveDraft(withSelected(draft, ['sgd', 'adam'])).config).toBeNull();
    expect(resolveDraft(setContestantSelected(draft, 'adam', true)).config).toBeNull();
  });

  it('the same holds for an added contestant ("Adam 2")', () => {
    let draft = addContestant(defaultDraft(), 'adam');
    draft = withText(draft, 'adam2.learningRate', 'abc');
    expect(resolveDraft(draft).config).toBeNull();
    expect(resolveDraft(draft).errors).toEqual({ 'adam2.learningRate': expect.stringMatching(/not a number/) });
    draft = setContestantSelected(draft, 'adam2', false);
    const resolution = resolveDraft(draft);
    expect(resolution.errors['adam2.learningRate']).toMatch(/not a number/);
    expect(contestant(resolution.config!, 'adam2').hyperparameters).toEqual(optimizerDefaults('adam'));
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

  it('ignores unknown keys when ticking', () => {
    const draft = setContestantSelected(withSelected(defaultDraft(), ['adam']), 'bogus', true);
    expect(trained(resolveDraft(draft).config)).toEqual(['adam']);
    expect(setContestantSelected(draft, '__proto__', true).contestants).toEqual(draft.contestants);
  });

  it('refuses more than 12 ticked contestants with a general message', () => {
    let draft = defaultDraft();
    for (let i = 0; i < MAX_CONTESTANTS - ARTICLE_OPTIMIZERS.length; i++) draft = addContestant(draft, 'sgd');
    expect(draft.contestants.filter((c) => c.selected)).toHaveLength(12);
    expect(resolveDraft(draft).config).not.toBeNull();
    // addContestant stops at the cap, so go past it by hand (an edited draft, an old link).
    const over: Draft = { ...draft, text: { ...draft.text }, contestants: [...draft.contestants] };
    over.contestants.push({ optimizer: 'rmsprop', ordinal: 2, selected: true });
    over.text['rmsprop2.learningRate'] = '0.001';
    over.text['rmsprop2.rho'] = '0.9';
    over.text['rmsprop2.momentum'] = '0';
    over.text['rmsprop2.epsilon'] = '1e-7';
    const resolution = resolveDraft(over);
    expect(resolution.config).toBeNull();
    expect(resolution.general).toEqual(['At most 12 contestants can train at once; untick 1.']);
    // A link can still carry it: the last ticked one waits.
    const best = bestEffortConfig(over);
    expect(trainingContestants(best)).toHaveLength(12);
    expect(contestant(best, 'rmsprop2').selected).toBe(false);
    expect(validateExperiment(best)).toEqual([]);
  });
});

describe('resolveDraft: the network', () => {
  it('builds the network from the layer count, the units of the layers it has, and the activation', () => {
    let draft = withText(defaultDraft(), 'hiddenLayers', '2');
    draft = withText(draft, 'layer1Units', '256');
    draft = withText(draft, 'layer2Units', '256');
    draft = { ...draft, choices: { ...draft.choices, activation: 'tanh' } };
    expect(resolveDraft(draft).config!.network).toEqual({ hiddenLayers: [256, 256], activation: 'tanh' });
    expect(resolveDraft(withText(defaultDraft(), 'hiddenLayers', '0')).config!.network).toEqual({ hiddenLayers: [], activation: 'relu' });
    expect(resolveDraft(withText(defaultDraft(), 'hiddenLayers', '3')).config!.network.hiddenLayers).toEqual([128, 128, 128]);
  });

  it("a bad hidden layer the network doesn't use is shown but does not block Train", () => {
    let draft = withText(defaultDraft(), 'layer3Units', '5000');
    draft = withText(draft, 'layer2Units', 'abc');
    const resolution = resolveDraft(draft);
    expect(resolution.errors.layer3Units).toMatch(/Layer 3 units must be at least 8 and at most 1,024/);
    expect(resolution.errors.layer2Units).toMatch(/not a number/);
    expect(resolution.general).toEqual([]);
    expect(resolution.config).not.toBeNull();
    expect(resolution.config!.network).toEqual({ hiddenLayers: [128], activation: 'relu' });
    // As soon as the network has that layer, it blocks.
    expect(resolveDraft(withText(draft, 'hiddenLayers', '2')).config).toBeNull();
    expect(resolveDraft(withText(withText(draft, 'hiddenLayers', '2'), 'layer2Units', '64')).config!.network.hiddenLayers).toEqual([128, 64]);
  });

  it.each([
    ['7', 'Layer 1 units must be at least 8 and at most 1,024.'],
    ['1025', 'Layer 1 units must be at least 8 and at most 1,024.'],
    ['0', 'Layer 1 units must be at least 8 and at most 1,024.'],
    ['64.5', 'Layer 1 units must be a whole number.'],
  ])('Layer 1 units = %j blocks and names the limit', (text, message) => {
    const resolution = resolveDraft(withText(defaultDraft(), 'layer1Units', text));
    expect(resolution.config).toBeNull();
    expect(resolution.errors).toEqual({ layer1Units: message });
  });

  it.each([
    ['4', /Hidden layers must be at least 0 and at most 3/],
    ['-1', /Hidden layers must be at least 0 and at most 3/],
    ['1.5', /Hidden layers must be a whole number/],
    ['', /Hidden layers is required/],
  ])('Hidden layers = %j blocks', (text, message) => {
    const resolution = resolveDraft(withText(defaultDraft(), 'hiddenLayers', text));
    expect(resolution.config).toBeNull();
    expect(resolution.errors.hiddenLayers).toMatch(message);
  });

  it('refuses an unknown activation, naming the choices', () => {
    const draft = { ...defaultDraft(), choices: { activation: 'gelu' } };
    const resolution = resolveDraft(draft);
    expect(resolution.config).toBeNull();
    expect(resolution.errors.activation).toBe('Activation must be one of ReLU, tanh, sigmoid.');
  });

  it('reads the fields declared in network.ts', () => {
    expect(HIDDEN_LAYERS_PARAMETER.key).toBe('hiddenLayers');
    expect(LAYER_UNITS_PARAMETERS.map((p) => p.key)).toEqual(['layer1Units', 'layer2Units', 'layer3Units']);
    expect(ACTIVATION_PARAMETER.key).toBe('activation');
  });
});

describe('contestant edits', () => {
  it('addContestant adds "Adam 2" at Keras defaults, ticked, right after Adam', () => {
    const before = defaultDraft();
    const draft = addContestant(before, 'adam');
    expect(draft.contestants.map(contestantKey)).toEqual(KEYS_WITH_ADAM2);
    expect(draft.contestants[2]).toEqual({ optimizer: 'adam', ordinal: 2, selected: true });
    for (const spec of OPTIMIZERS.adam.parameters) {
      const key = fieldKey('adam2', spec.key);
      if (spec.kind === 'boolean') expect(draft.flags[key]).toBe(spec.defaultValue);
      else expect(draft.text[key]).toBe(String(spec.defaultValue));
    }
    const config = resolveDraft(draft).config!;
    expect(trained(config)).toEqual(['sgd', 'adam', 'adam2', 'adagrad', 'adadelta', 'rmsprop']); // Nadam stays unticked
    expect(contestant(config, 'adam2')).toEqual({ optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: optimizerDefaults('adam') });
    expect(validateExperiment(config)).toEqual([]);
    // Pure: the draft it was given is unchanged.
    expect(before).toEqual(defaultDraft());
  });

  it('edits of Adam 2 are its own', () => {
    let draft = addContestant(defaultDraft(), 'adam');
    draft = withText(draft, 'adam2.learningRate', '0.01');
    const config = resolveDraft(draft).config!;
    expect(contestant(config, 'adam2').hyperparameters.learningRate).toBe(0.01);
    expect(contestant(config, 'adam').hyperparameters.learningRate).toBe(0.001);
  });

  it('numbers further contestants on, and reuses a removed number', () => {
    let draft = addContestant(addContestant(defaultDraft(), 'adam'), 'adam');
    expect(draft.contestants.map(contestantKey)).toContain('adam3');
    draft = removeContestant(draft, 'adam2');
    draft = addContestant(draft, 'adam');
    expect(draft.contestants.filter((c) => c.optimizer === 'adam').map(contestantKey)).toEqual(['adam', 'adam2', 'adam3']);
  });

  it('removeContestant takes Adam 2 and all its fields away, and leaves the rest alone', () => {
    let draft = addContestant(defaultDraft(), 'adam');
    draft = withText(draft, 'adam2.learningRate', '0.01');
    draft = { ...draft, flags: { ...draft.flags, 'adam2.amsgrad': true } };
    const removed = removeContestant(draft, 'adam2');
    expect(removed.contestants.map(contestantKey)).toEqual([...OPTIMIZER_IDS]);
    expect(Object.keys(removed.text).filter((k) => k.startsWith('adam2.'))).toEqual([]);
    expect(Object.keys(removed.flags).filter((k) => k.startsWith('adam2.'))).toEqual([]);
    expect(removed).toEqual(defaultDraft());
    expect(resolveDraft(removed).config).toEqual(defaultExperiment());
    // The draft it was given still has Adam 2.
    expect(draft.text['adam2.learningRate']).toBe('0.01');
  });

  it('removeContestant does not remove the first of an optimizer, nor an unknown key', () => {
    const draft = defaultDraft();
    expect(removeContestant(draft, 'adam')).toBe(draft);
    expect(removeContestant(draft, 'adam2')).toBe(draft);
    expect(removeContestant(draft, '__proto__')).toBe(draft);
  });

  it("removing Adam 2 keeps the fields of the other Adams", () => {
    let draft = defaultDraft();
    for (let i = 0; i < 6; i++) draft = addContestant(draft, 'adam');
    draft = withText(draft, 'adam3.learningRate', '0.3');
    draft = removeContestant(draft, 'adam2');
    expect(draft.text['adam3.learningRate']).toBe('0.3');
    expect(draft.contestants.map(contestantKey)).toContain('adam7');
  });

  it('caps the ticked contestants at 12: Add is disabled at 12, and addContestant then changes nothing', () => {
    let draft = defaultDraft();
    for (let i = 0; i < MAX_CONTESTANTS - ARTICLE_OPTIMIZERS.length; i++) {
      expect(canAddContestant(draft, 'rmsprop')).toBe(true);
      draft = addContestant(draft, 'rmsprop');
    }
    expect(draft.contestants.filter((c) => c.selected)).toHaveLength(12);
    for (const id of OPTIMIZER_IDS) expect(canAddContestant(draft, id)).toBe(false);
    expect(addContestant(draft, 'adam')).toBe(draft);
    expect(resolveDraft(draft).config).not.toBeNull();
    // Unticking one frees a place.
    const unticked = setContestantSelected(draft, 'rmsprop3', false);
    expect(canAddContestant(unticked, 'adam')).toBe(true);
    expect(addContestant(unticked, 'adam').contestants.filter((c) => c.selected)).toHaveLength(12);
  });

  it('caps each optimizer at "12" in its key', () => {
    let draft = withSelected(defaultDraft(), []);
    for (let i = 2; i <= 12; i++) {
      draft = addContestant(draft, 'sgd');
      draft = setContestantSelected(draft, `sgd${i}`, false);
    }
    expect(draft.contestants.filter((c) => c.optimizer === 'sgd').map(contestantKey).at(-1)).toBe('sgd12');
    expect(canAddContestant(draft, 'sgd')).toBe(false);
    expect(addContestant(draft, 'sgd')).toBe(draft);
    expect(canAddContestant(draft, 'adam')).toBe(true);
  });

  it('resetContestant puts one contestant back to Keras defaults and keeps its tick', () => {
    let draft = addContestant(defaultDraft(), 'adam');
    draft = withText(draft, 'adam2.learningRate', 'junk');
    draft = withText(draft, 'adam.learningRate', '0.2');
    draft = { ...draft, flags: { ...draft.flags, 'adam2.amsgrad': true } };
    draft = setContestantSelected(draft, 'adam2', false);
    const reset = resetContestant(draft, 'adam2');
    expect(reset.text['adam2.learningRate']).toBe('0.001');
    expect(reset.flags['adam2.amsgrad']).toBe(false);
    expect(reset.text['adam.learningRate']).toBe('0.2');
    expect(reset.contestants.find((c) => contestantKey(c) === 'adam2')!.selected).toBe(false);
    expect(resetContestant(draft, 'nope')).toBe(draft);
  });
});

describe('bestEffortConfig', () => {
  it('is the resolved config when the draft is valid', () => {
    const draft = draftFromConfig(editedConfig());
    expect(bestEffortConfig(draft)).toEqual(editedConfig());
  });

  it('puts every invalid field, shared or a contestant\'s, back to its default, keeping the rest', () => {
    let draft = addContestant(defaultDraft(), 'adam');
    draft = withText(draft, 'epochs', '0');
    draft = withText(draft, 'seed', '11');
    draft = withText(draft, 'adam2.learningRate', 'oops');
    draft = withText(draft, 'adam2.beta1', '0.8');
    draft = withText(draft, 'hiddenLayers', '2');
    draft = withText(draft, 'layer2Units', '2');
    const config = bestEffortConfig(draft);
    expect(config.epochs).toBe(5);
    expect(config.seed).toBe(11);
    expect(contestant(config, 'adam2').hyperparameters).toEqual({ ...optimizerDefaults('adam'), beta1: 0.8 });
    expect(config.network).toEqual({ hiddenLayers: [128, 128], activation: 'relu' });
    expect(validateExperiment(config)).toEqual([]);
  });

  it('falls back to the default selection when nothing is ticked', () => {
    const config = bestEffortConfig(withSelected(defaultDraft(), []));
    expect(trained(config)).toEqual([...ARTICLE_OPTIMIZERS]);
    expect(contestant(config, 'nadam').selected).toBe(false);
  });

  it('keeps added contestants and their edits when nothing is ticked (the link must not lose them)', () => {
    let draft = withText(addContestant(defaultDraft(), 'adam'), 'adam2.learningRate', '0.01');
    draft = withSelected(draft, []);
    const config = bestEffortConfig(draft);
    expect(contestant(config, 'adam2')).toMatchObject({ selected: false, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } });
    expect(trained(config)).toEqual([...ARTICLE_OPTIMIZERS]);
  });
});

describe('the network of a draft', () => {
  it('is there whenever the network fields are valid, whatever else is not', () => {
    const draft = withText(withText(withSelected(defaultDraft(), []), 'hiddenLayers', '2'), 'layer2Units', '64');
    const resolution = resolveDraft(draft);
    expect(resolution.config).toBeNull();
    expect(resolution.network).toEqual({ hiddenLayers: [128, 64], activation: 'relu' });
    expect(resolveDraft(withText(draft, 'layer2Units', '5')).network).toBeNull();
    // A layer the network does not use does not count.
    expect(resolveDraft(withText(withText(draft, 'hiddenLayers', '1'), 'layer2Units', '5')).network).toEqual({ hiddenLayers: [128], activation: 'relu' });
  });
});

describe('schedules and shared knobs in the form', () => {
  it('round-trips a contestant with a cosine schedule with warmup and weight decay', () => {
    const config = defaultExperiment();
    const adamw = contestant(config, 'adamw');
    adamw.selected = true;
    adamw.schedule = { kind: 'cosine', values: { decaySteps: 2000, alpha: 0.1, warmupSteps: 100, warmupTarget: 0.002 } };
    adamw.hyperparameters.clipNorm = 1;
    const resolved = resolveDraft(draftFromConfig(config));
    expect(resolved.errors).toEqual({});
    expect(resolved.config).toEqual(config);
  });

  it('a constant schedule is no schedule at all (as older links and files have it)', () => {
    const draft = { ...defaultDraft(), choices: { ...defaultDraft().choices, 'adam.schedule': 'exponential' } };
    expect(contestant(resolveDraft(draft).config!, 'adam').schedule).toEqual({ kind: 'exponential', values: { decaySteps: 1000, decayRate: 0.96, staircase: false } });
    expect(contestant(resolveDraft(defaultDraft()).config!, 'adam')).not.toHaveProperty('schedule');
  });

  it('reports a bad schedule field at the field, and blocks only a selected contestant', () => {
    let draft: Draft = { ...defaultDraft(), choices: { ...defaultDraft().choices, 'adam.schedule': 'piecewise', 'nadam.schedule': 'piecewise' } };
    draft = withText(withText(draft, 'adam.schedule.boundaries', '100, 50'), 'nadam.schedule.values', '1, x');
    const resolved = resolveDraft(draft);
    expect(resolved.errors['adam.schedule.values']).toBe('Boundaries must increase.');
    expect(resolved.errors['nadam.schedule.values']).toMatch(/separated by commas/);
    expect(resolved.config).toBeNull();
    expect(resolveDraft(withText(draft, 'adam.schedule.boundaries', '50, 100')).config).not.toBeNull();
  });

  it('refuses two kinds of clipping, as Keras does', () => {
    const draft = withText(withText(defaultDraft(), 'adam.clipNorm', '1'), 'adam.clipValue', '0.5');
    const resolved = resolveDraft(draft);
    expect(resolved.errors).toEqual({ 'adam.clipValue': 'Only one of Clip norm, Global clip norm, Clip value can be set (as in Keras); Clip norm and Clip value are.' });
    expect(resolved.config).toBeNull();
    const config = bestEffortConfig(draft);
    expect(contestant(config, 'adam').hyperparameters).toMatchObject({ clipNorm: 1, clipValue: 0 });
    expect(validateExperiment({ ...config, contestants: config.contestants.map((c) => (c.optimizer === 'adam' ? { ...c, hyperparameters: { ...c.hyperparameters, clipValue: 0.5 } } : c)) })).toEqual([
      'Adam: Only one of Clip norm, Global clip norm, Clip value can be set (as in Keras); Clip norm and Clip value are.',
    ]);
  });
});
