/**
 * The optimizer algebra and the definitions: typed hyperparameters, variants,
 * the zero-gradient analysis, and the host scalars Keras computes in float32.
 */
import { describe, expect, it } from 'vitest';
import { abs, add, compileProgram, declaredNames, defineOptimizer, ifPositive, max, min, mul, pow, sign, sqrt, square, stepScalars, sub, sum, variantFor, variantsOf, type Expr } from './algebra';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from './optimizers';

const toy = defineOptimizer({
  id: 'toy',
  label: 'Toy',
  rule: 'w −= lr·g',
  tex: 'w \\leftarrow w - \\mathrm{lr}\\,g',
  about: { summary: 'A toy. It steps.', sources: [{ authors: 'Nobody', year: 2026, title: 'Toys', published: 'Here' }] },
  parameters: {
    learningRate: { kind: 'number', label: 'Learning rate', urlKey: 'lr', defaultValue: 0.1, min: 0, max: 1, help: 'Step size.' },
    beta1: { kind: 'number', label: 'Beta 1', defaultValue: 0.9, min: 0, max: 1, help: 'Decay.' },
    flip: { kind: 'boolean', label: 'Flip', defaultValue: false, help: 'A switch.' },
  },
  slots: () => ({ m: 0 }),
  constants: (p) => {
    // @ts-expect-error beta3 is not a hyperparameter of this optimizer: a misspelt key does not compile.
    const misspelt: number = p.beta3;
    const typed: number = p.beta1;
    // @ts-expect-error a switch is a boolean, not a number.
    const wrongType: number = p.flip;
    return { learningRate: p.learningRate, beta1: typed + 0 * (misspelt ?? 0) * Number(wrongType ?? 0) };
  },
  switches: (p) => ({ flip: p.flip }),
  update: ({ w, g, slot, c }, on) => {
    // @ts-expect-error only declared constants exist.
    void c.learningRat;
    // @ts-expect-error only declared slots exist.
    void slot.v;
    const m = add(mul(slot.m, c.beta1), g);
    return { weight: on.flip ? add(w, mul(m, c.learningRate)) : sub(w, mul(m, c.learningRate)), slots: { m } };
  },
});

describe('defineOptimizer', () => {
  it('derives the parameter table (keys from the declaration) and the defaults', () => {
    // The definition's own hyperparameters, then the shared knobs every optimizer has.
    const knobs = [['weightDecay', 'wd'], ['clipNorm', 'clipnorm'], ['clipValue', 'clipvalue'], ['globalClipNorm', 'gclipnorm']];
    expect(toy.parameters.map((p) => [p.key, p.urlKey])).toEqual([['learningRate', 'lr'], ['beta1', undefined], ['flip', undefined], ...knobs]);
    expect(OPTIMIZERS.adam.parameters.map((p) => p.key)).toEqual(['learningRate', 'beta1', 'beta2', 'epsilon', 'amsgrad', ...knobs.map(([key]) => key)]);
    const off = { weightDecay: 0, clipNorm: 0, clipValue: 0, globalClipNorm: 0 };
    expect(optimizerDefaults('adagrad')).toEqual({ learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7, ...off });
    expect(optimizerDefaults('rmsprop')).toEqual({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false, ...off });
    expect(optimizerDefaults('adamw')).toMatchObject({ weightDecay: 0.004, clipNorm: 0 });
    expect(OPTIMIZERS.adagrad.parameters.find((p) => p.key === 'initialAccumulator')?.urlKey).toBe('accumulator');
  });

  it('compiles each switch combination into a variant', () => {
    expect(variantsOf(toy).map((v) => v.name)).toEqual(['toy', 'toy+flip']);
    expect(variantFor(toy, { learningRate: 0.1, beta1: 0.9, flip: true }).name).toBe('toy+flip');
  });

  it('refuses a program that reads a slot it does not update', () => {
    const names = declaredNames(toy);
    expect(() => compileProgram(toy, { weight: sub({ op: 'weight' }, { op: 'slot', name: 'm' }) }, names)).toThrow(/slot m is read but not updated/);
    expect(() => compileProgram(toy, { weight: sub({ op: 'weight' }, { op: 'constant', name: 'nope' }) }, names)).toThrow(/undeclared constant nope/);
  });

  it('merges common subexpressions: one node per distinct operation', () => {
    const { program } = variantFor(OPTIMIZERS.sgd, { ...optimizerDefaults('sgd'), momentum: 0.9, nesterov: true });
    expect(program.nodes.filter((n) => n.op === 'mul' && n.args.length === 2).length).toBe(3); // g·(−lr), v·mu, v'·mu
  });
});

describe('the registry', () => {
  it('has every variant Keras has, switch combinations that give the same program merged', () => {
    expect(OPTIMIZER_IDS.flatMap((id) => variantsOf(OPTIMIZERS[id]).map((v) => v.name))).toEqual([
      'sgd', 'sgd+momentum', 'sgd+momentum+nesterov',
      'adam', 'adam+amsgrad',
      'adagrad',
      'adadelta',
      'rmsprop', 'rmsprop+momentum', 'rmsprop+centered', 'rmsprop+momentum+centered',
      'nadam',
      'adamw', 'adamw+amsgrad',
      'adamax',
      'lion',
      'lamb',
      'ftrl', 'ftrl+power',
      // Muon's vectors take the same AdamW step either way; Nesterov changes its matrix step.
      'muon', 'muon+nesterov',
    ]);
    // Ftrl's n^0.5 is sqrt(n) at Keras's power -0.5; any other power is the pow variant.
    expect(variantFor(OPTIMIZERS.ftrl, { ...optimizerDefaults('ftrl'), learningRatePower: -0.25 }).name).toBe('ftrl+power');
    expect(variantFor(OPTIMIZERS.ftrl, optimizerDefaults('ftrl')).program.nodes.some((n) => n.op === 'pow')).toBe(false);
    expect(variantFor(OPTIMIZERS.sgd, { ...optimizerDefaults('sgd'), nesterov: true }).name).toBe('sgd');
  });

  it('keeps each variant\'s slots', () => {
    const slots = (id: (typeof OPTIMIZER_IDS)[number], params: object) => variantFor(OPTIMIZERS[id], { ...optimizerDefaults(id), ...params }).program.slots.map((s) => s.name);
    expect(slots('sgd', {})).toEqual([]);
    expect(slots('sgd', { momentum: 0.5 })).toEqual(['momentum']);
    expect(slots('adam', { amsgrad: true })).toEqual(['m', 'v', 'vHat']);
    expect(slots('rmsprop', { centered: true })).toEqual(['velocity', 'averageGrad']);
    expect(slots('rmsprop', { centered: true, momentum: 0.5 })).toEqual(['velocity', 'momentum', 'averageGrad']);
    expect(slots('adamw', {})).toEqual(['m', 'v']);
    expect(slots('adamax', {})).toEqual(['m', 'u']);
    expect(slots('lion', {})).toEqual(['m']);
    expect(slots('lamb', {})).toEqual(['m', 'v']);
    expect(slots('ftrl', {})).toEqual(['accumulator', 'linear']);
    expect(slots('muon', {})).toEqual(['m', 'v']);
    expect(variantFor(OPTIMIZERS.muon, optimizerDefaults('muon')).matrix!.slots.map((s) => s.name)).toEqual(['m']);
  });

  it('classes abs, sign, min and pow for the zero-gradient analysis: abs(0) and sign(0) are 0; min and pow of the gradient are not', () => {
    const keeps = (step: (g: Expr) => Expr) => compileProgram(toy, { weight: sub({ op: 'weight' }, step({ op: 'gradient' })) }, declaredNames(toy)).zeroGradientKeepsState;
    const lr: Expr = { op: 'constant', name: 'learningRate' };
    expect(keeps((g) => mul(abs(g), lr))).toBe(true);
    expect(keeps((g) => mul(sign(g), lr))).toBe(true);
    expect(keeps((g) => sqrt(abs(g)))).toBe(true);
    // min(0, lr) is 0 only for lr >= 0, and pow(0, b) only for b > 0: not assumed.
    expect(keeps((g) => min(g, lr))).toBe(false);
    expect(keeps((g) => max(g, lr))).toBe(false);
    expect(keeps((g) => pow(g, lr))).toBe(false);
  });

  it('compiles sums over the variable: listed in node order, in the key, never skipping blank rows', () => {
    const names = declaredNames(toy);
    const w: Expr = { op: 'weight' };
    const g: Expr = { op: 'gradient' };
    const lr: Expr = { op: 'constant', name: 'learningRate' };
    // w − lr·g·(Σw² > 0 ? 1/Σw² : lr): the same as SGD where the weights are zero, yet the sum reads every weight.
    const scaled = (e: Expr) => sub(w, mul(mul(g, lr), ifPositive(sum(square(w)), e, lr)));
    const program = compileProgram(toy, { weight: scaled(sqrt(sum(square(w)))) }, names);
    expect(program.reductions.map((n) => program.nodes[n].op)).toEqual(['sum']);
    expect(program.nodes[program.reductions[0]].args.map((a) => program.nodes[a].op)).toEqual(['square']);
    expect(program.key).toMatch(/=sum \d+/);
    expect(program.key).toMatch(/=ifPositive \d+ \d+ \d+/);
    expect(compileProgram(toy, { weight: scaled(lr) }, names).key).not.toBe(program.key);
    // A zero gradient leaves this weight as it is, but a program with a sum must see every row.
    expect(program.zeroGradientKeepsState).toBe(false);
    expect(compileProgram(toy, { weight: sub(w, mul(g, lr)) }, names).zeroGradientKeepsState).toBe(true);
  });

  it('refuses sums the engines cannot compute in one pass before the update', () => {
    const names = declaredNames(toy);
    const w: Expr = { op: 'weight' };
    const lr: Expr = { op: 'constant', name: 'learningRate' };
    expect(() => compileProgram(toy, { weight: sub(w, sum(lr)) }, names)).toThrow(/sums a host number/);
    expect(() => compileProgram(toy, { weight: sub(w, sum(mul(w, sum(square(w))))) }, names)).toThrow(/holding another sum/);
  });

  it('classes ifPositive for the zero-gradient analysis: zero when both branches are', () => {
    const zeroGradient = (step: (g: Expr) => Expr) => {
      const weight = sub({ op: 'weight' }, step({ op: 'gradient' }));
      return compileProgram(toy, { weight }, declaredNames(toy));
    };
    const lr: Expr = { op: 'constant', name: 'learningRate' };
    expect(zeroGradient((g) => mul(g, lr)).zeroGradientKeepsState).toBe(true);
    expect(zeroGradient((g) => ifPositive(lr, g, mul(g, lr))).zeroGradientKeepsState).toBe(true);
    expect(zeroGradient((g) => ifPositive(lr, g, lr)).zeroGradientKeepsState).toBe(false);
  });

  it('finds the variants a zero gradient leaves unchanged: plain SGD and Adagrad only', () => {
    const keeping = OPTIMIZER_IDS.flatMap((id) => variantsOf(OPTIMIZERS[id]).filter((v) => v.program.zeroGradientKeepsState).map((v) => v.name));
    expect(keeping).toEqual(['sgd', 'adagrad']);
  });
});

describe('host scalars in float32, as Keras computes them', () => {
  // numpy 2.4: lr, b1, b2, t = map(np.float32, ...); lr * np.sqrt(1 - b2**t) / (1 - b1**t), Keras defaults.
  const NUMPY_ALPHA: [number, number][] = [
    [1, 0.00031622566166333854],
    [2, 0.0002353143790969625],
    [3, 0.0002020098763750866],
    [10, 0.0001531880407128483],
    [100, 0.000308563990984112],
    [1000, 0.0007951728766784072],
    [4690, 0.000995406648144126],
  ];

  it.each(NUMPY_ALPHA)('Adam\'s step size at t = %i matches numpy\'s float32', (t, expected) => {
    const p = optimizerDefaults('adam');
    const { alpha } = stepScalars(OPTIMIZERS.adam, p, t);
    expect(alpha).toBe(expected);
    // Not the double formula rounded once: 1 - beta2 in float32 differs from 0.001 by 1.3e-5.
    const double = (0.001 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    expect(alpha).not.toBe(Math.fround(double));
  });

  // numpy 2.4 in float32, transcribing nadam.py: u_product = u_product * b1 * (1 - 0.5 * 0.96**t) once per
  // step, then u_t, u_{t+1} = b1 * (1 - 0.5 * decay**t) ..., u_product * u_{t+1} and 1 - b2**t; Keras defaults.
  // (1 - u_product after step 2 differs from 1 - u_product * u_2 at step 1: Keras associates them differently.)
  const NUMPY_NADAM: [number, Record<string, number>][] = [
    [1, { uNext: 0.48528000712394714, oneMinusUProductNext: 0.7728889584541321, oneMinusU: 0.5320000648498535, oneMinusUProduct: 0.5320000648498535, oneMinusBeta2Power: 0.0009999871253967285 }],
    [2, { uNext: 0.5018687844276428, oneMinusUProductNext: 0.8860200643539429, oneMinusU: 0.5147199630737305, oneMinusUProduct: 0.7728890180587769, oneMinusBeta2Power: 0.0019989609718322754 }],
    [3, { uNext: 0.5177940726280212, oneMinusUProductNext: 0.9409818649291992, oneMinusU: 0.4981312155723572, oneMinusUProduct: 0.8860200643539429, oneMinusBeta2Power: 0.002996981143951416 }],
    [4, { uNext: 0.5330823063850403, oneMinusUProductNext: 0.9685384631156921, oneMinusU: 0.48220592737197876, oneMinusUProduct: 0.9409818649291992, oneMinusBeta2Power: 0.0039939284324646 }],
    [5, { uNext: 0.5477589964866638, oneMinusUProductNext: 0.9827666878700256, oneMinusU: 0.4669176936149597, oneMinusUProduct: 0.9685384631156921, oneMinusBeta2Power: 0.004989922046661377 }],
  ];

  // Within 2^-22 relative: numpy's powf gives 0.96^4 one ulp above the correctly rounded value,
  // which f32(f32(0.96) ** 4) is; u_4 carries that ulp, and 1 - u_4 (near 0.48) doubles it relatively.
  it.each(NUMPY_NADAM)('Nadam\'s scalars at t = %i match numpy\'s float32 (u_product carried once per step)', (t, expected) => {
    const scalars = stepScalars(OPTIMIZERS.nadam, optimizerDefaults('nadam'), t);
    expect(Object.keys(scalars)).toEqual(Object.keys(expected));
    for (const [name, value] of Object.entries(expected)) {
      expect(Math.abs(scalars[name] - value) / value, name).toBeLessThanOrEqual(2 ** -22);
      expect(Math.fround(scalars[name]), name).toBe(scalars[name]);
    }
    if (t === 2) {
      // Keras's association: 1 - u_product at t is not always 1 - u_product(t-1)·u_t as the previous step had it.
      expect(scalars.oneMinusUProduct).not.toBe(stepScalars(OPTIMIZERS.nadam, optimizerDefaults('nadam'), t - 1).oneMinusUProductNext);
    }
  });

  it('gives the same scalars whatever order the steps are asked in (host state is a cache)', () => {
    for (const id of OPTIMIZER_IDS) {
      const p = { ...optimizerDefaults(id) };
      const inOrder = [1, 2, 3, 4, 5].map((t) => stepScalars(OPTIMIZERS[id], p, t));
      const fresh = { ...optimizerDefaults(id) };
      const shuffled = [5, 2, 4, 1, 3].map((t) => [t, stepScalars(OPTIMIZERS[id], fresh, t)] as const);
      for (const [t, scalars] of shuffled) expect(scalars).toEqual(inOrder[t - 1]);
    }
  });

  it('declares key sets that do not depend on the values', () => {
    for (const id of OPTIMIZER_IDS) {
      const d = OPTIMIZERS[id];
      const other = Object.fromEntries(d.parameters.map((p) => [p.key, p.kind === 'boolean' ? !p.defaultValue : (p.min + p.max) / 3]));
      expect(Object.keys(d.constants(other))).toEqual(declaredNames(d).constants);
      expect(Object.keys(d.slots(other))).toEqual(declaredNames(d).slots);
      expect(Object.keys(stepScalars(d, other, 3))).toEqual(declaredNames(d).scalars);
    }
  });
});

/** Sentences of plain prose: a full stop, question or exclamation mark, then a space and a capital, digit or quote (the summaries use no abbreviations). */
const sentences = (text: string) => text.trim().split(/(?<=[.!?])\s+(?=[A-Z0-9“"(])/);

describe('plain words on every optimizer', () => {
  it('needs an about: a definition without one does not compile', () => {
    // @ts-expect-error about (the summary and its sources) is required.
    defineOptimizer({ id: 'bare', label: 'Bare', rule: '', tex: '', parameters: {}, constants: () => ({}), update: ({ w }) => ({ weight: w }) });
  });

  it.each(OPTIMIZER_IDS)('%s: two to four sentences, and complete citations', (id) => {
    const { about, label } = OPTIMIZERS[id];
    const count = sentences(about.summary).length;
    expect(count, `${label}: "${about.summary}"`).toBeGreaterThanOrEqual(2);
    expect(count, label).toBeLessThanOrEqual(4);
    expect(about.summary).not.toMatch(/\b(e\.g|i\.e|etc|cf)\./);
    expect(about.sources.length).toBeGreaterThanOrEqual(1);
    for (const source of about.sources) {
      expect(source.authors, label).toMatch(/^\p{Lu}[\p{L}\p{M}’' .-]+(, [\p{L}’' .-]+)*( & [\p{L}’' .-]+| et al\.)?$/u);
      expect(Number.isInteger(source.year) && source.year >= 1950 && source.year <= 2026, `${label}: ${source.year}`).toBe(true);
      expect(source.title.trim().length, label).toBeGreaterThan(5);
      expect(source.published.trim().length, label).toBeGreaterThan(2);
    }
  });

  it('counts sentences as a reader would', () => {
    expect(sentences('One (a). Two, 1.0 and 0.001; three? Four!')).toHaveLength(3);
    expect(sentences('It uses 1.0. Keras’s is 0.001.')).toHaveLength(2);
  });
});
