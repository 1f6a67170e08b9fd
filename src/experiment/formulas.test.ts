import { describe, expect, it } from 'vitest';
import { formulaValues, PARAMETER_SYMBOLS, texNumber } from './formulas';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from './optimizers';

describe('formulas', () => {
  it("names every number of every optimizer by a symbol its rule's TeX uses", () => {
    for (const id of OPTIMIZER_IDS) {
      for (const spec of OPTIMIZERS[id].parameters) {
        if (spec.kind === 'boolean') continue;
        const symbol = PARAMETER_SYMBOLS[spec.key];
        expect(symbol, `${id}.${spec.key}`).toBeDefined();
        expect(OPTIMIZERS[id].tex, `${id}'s rule uses ${symbol}`).toContain(symbol);
      }
    }
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
