import { KNOB_KEYS, type KnobKey } from './knobs';
import { describe, expect, it } from 'vitest';
import { formulaValues, knobClause, PARAMETER_SYMBOLS, ruleClauses, texNumber } from './formulas';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from './optimizers';

describe('formulas', () => {
  it("names every number of every optimizer by a symbol its rule's TeX uses", () => {
    for (const id of OPTIMIZER_IDS) {
      for (const spec of OPTIMIZERS[id].parameters) {
        if (spec.kind === 'boolean') continue;
        const symbol = PARAMETER_SYMBOLS[spec.key];
        expect(symbol, `${id}.${spec.key}`).toBeDefined();
        // A shared knob's symbol is in its own clause, shown when it is on.
        const tex = (KNOB_KEYS as string[]).includes(spec.key) ? knobClause(spec.key as KnobKey) : OPTIMIZERS[id].tex;
        expect(tex, `${id}'s rule uses ${symbol}`).toContain(symbol);
      }
    }
  });

  it('shows the knobs a contestant has on as clauses before its rule, in the order Keras applies them, with their values', () => {
    const values = { ...optimizerDefaults('sgd'), globalClipNorm: 1, weightDecay: 0.01 };
    const clauses = ruleClauses(OPTIMIZERS.sgd, values);
    expect(clauses.slice(0, 2)).toEqual([knobClause('globalClipNorm'), knobClause('weightDecay')]);
    expect(clauses.slice(2).join(';\\quad ')).toBe(OPTIMIZERS.sgd.tex);
    expect(ruleClauses(OPTIMIZERS.sgd, optimizerDefaults('sgd')).join(';\\quad ')).toBe(OPTIMIZERS.sgd.tex);
    expect(ruleClauses(OPTIMIZERS.adamw, optimizerDefaults('adamw'))[0]).toBe(knobClause('weightDecay'));
    expect(formulaValues(OPTIMIZERS.sgd, values)).toBe('\\mathrm{lr} = 0.01,\\quad \\mu = 0,\\quad \\text{Nesterov momentum off},\\quad \\lambda = 0.01,\\quad c_{\\mathrm{g}} = 1');
  });

  it("puts a contestant's values beside the symbols, switches in words", () => {
    expect(formulaValues(OPTIMIZERS.adam, { ...optimizerDefaults('adam'), learningRate: 0.01 })).toBe(
      '\\mathrm{lr} = 0.01,\\quad \\beta_1 = 0.9,\\quad \\beta_2 = 0.999,\\quad \\varepsilon = 10^{-7},\\quad \\text{AMSGrad off}',
    );
    expect(formulaValues(OPTIMIZERS.sgd, { ...optimizerDefaults('sgd'), nesterov: true })).toContain('\\text{Nesterov momentum on}');
  });

  it('writes powers of ten as TeX', () => {
    expect(texNumber(1e-7)).toBe('10^{-7}');
    expect(texNumber(2.5e-8)).toBe('2.5 \\times 10^{-8}');
    expect(texNumber(0.001)).toBe('0.001');
    expect(texNumber(-0.5)).toBe('-0.5');
  });
});
