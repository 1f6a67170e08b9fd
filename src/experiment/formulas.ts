/**
 * The hyperparameters' mathematical symbols, as the definitions' TeX rules write them,
 * and the line that puts a contestant's current values beside them
 * ("lr = 0.001, β₁ = 0.9 …"). TeX only: typesetting is the page's (KaTeX).
 */
import type { OptimizerDefinition } from './algebra';
import type { ParameterValues } from './parameters';

/** Every hyperparameter key any definition has, with its symbol in the rules' TeX. */
export const PARAMETER_SYMBOLS: Readonly<Record<string, string>> = {
  learningRate: '\\mathrm{lr}',
  momentum: '\\mu',
  beta1: '\\beta_1',
  beta2: '\\beta_2',
  epsilon: '\\varepsilon',
  rho: '\\rho',
  initialAccumulator: 'a_0',
  weightDecay: '\\lambda',
  learningRatePower: 'p',
  l1: '\\lambda_1',
  l2: '\\lambda_2',
  l2Shrinkage: '\\lambda_{2,\\mathrm{s}}',
  beta: '\\beta',
};

/** A number as a student typed it, in TeX: 1e-7 as 10^{-7}, others as they are. */
export function texNumber(value: number): string {
  if (!Number.isFinite(value)) return '\\text{?}';
  const text = String(value);
  const exponent = /^(-?[\d.]+)e([+-]\d+)$/.exec(text);
  if (!exponent) return text;
  const [, mantissa, power] = exponent;
  const powerTex = `10^{${Number(power)}}`;
  return mantissa === '1' ? powerTex : `${mantissa} \\times ${powerTex}`;
}

/**
 * The contestant's values beside the rule's symbols, in TeX: numbers as
 * "\mathrm{lr} = 0.001", switches in words ("Nesterov on").
 */
export function formulaValues(definition: OptimizerDefinition, values: ParameterValues): string {
  return formulaValueList(definition, values).join(',\\quad ');
}

/** The same, one TeX string per hyperparameter (a narrow screen wraps between them). */
export function formulaValueList(definition: OptimizerDefinition, values: ParameterValues): string[] {
  return definition.parameters.map((spec) => {
    const value = values[spec.key];
    if (spec.kind === 'boolean') return `\\text{${spec.label} ${value ? 'on' : 'off'}}`;
    return `${PARAMETER_SYMBOLS[spec.key] ?? `\\text{${spec.label}}`} = ${texNumber(value as number)}`;
  });
}
