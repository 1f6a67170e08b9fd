/**
 * The hyperparameters' mathematical symbols, as the definitions' TeX rules write them,
 * and the line that puts a contestant's current values beside them
 * ("lr = 0.001, β₁ = 0.9 …"). TeX only: typesetting is the page's (KaTeX).
 */
import type { OptimizerDefinition } from './algebra';
import { KNOB_KEYS, knobsOf, type KnobKey } from './knobs';
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
  nsSteps: 'n_{\\mathrm{ns}}',
  rmsRate: 'r_{\\mathrm{rms}}',
  muonA: '\\mathsf{a}',
  muonB: '\\mathsf{b}',
  muonC: '\\mathsf{c}',
  adamBeta1: '\\beta_1',
  adamBeta2: '\\beta_2',
  adamWeightDecay: '\\lambda_{\\mathrm{a}}',
  adamLrRatio: '\\eta_{\\mathrm{a}}',
  clipNorm: 'c',
  globalClipNorm: 'c_{\\mathrm{g}}',
  clipValue: 'c_{\\mathrm{v}}',
};

/** The shared knobs' clauses (knobs.ts), in Keras's order: clip the gradient, then decay the weight. */
const KNOB_CLAUSES: Record<KnobKey, string> = {
  clipNorm: 'g \\leftarrow g\\,\\frac{c}{\\max(\\lVert g \\rVert,\\, c)}',
  globalClipNorm: 'g \\leftarrow g\\,\\frac{c_{\\mathrm{g}}}{\\max(\\lVert (g_1, g_2, \\ldots) \\rVert,\\, c_{\\mathrm{g}})}',
  clipValue: 'g \\leftarrow \\min(\\max(g, -c_{\\mathrm{v}}),\\, c_{\\mathrm{v}})',
  weightDecay: 'w \\leftarrow w - \\mathrm{lr}\\,\\lambda\\,w',
};

/** The knobs a contestant has on, in the order Keras applies them. */
function activeKnobs(values: ParameterValues): KnobKey[] {
  const { clip, weightDecay } = knobsOf(values);
  const clipKey: KnobKey | undefined = clip === 'norm' ? 'clipNorm' : clip === 'global' ? 'globalClipNorm' : clip === 'value' ? 'clipValue' : undefined;
  return [...(clipKey ? [clipKey] : []), ...(weightDecay !== 0 ? (['weightDecay'] as const) : [])];
}

/** The knob clause of a shared knob, for tests and docs. */
export function knobClause(key: KnobKey): string {
  return KNOB_CLAUSES[key];
}

/** The contestant's whole rule, one TeX clause each: the knobs it has on, then the optimizer's own. */
export function ruleClauses(definition: OptimizerDefinition, values: ParameterValues): string[] {
  return [...activeKnobs(values).map((key) => KNOB_CLAUSES[key]), ...definition.tex.split(/;\\quad\s*/)];
}

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
  return formulaValueList(definition, values).map((v) => v.tex).join(',\\quad ');
}

/** The same, one TeX string per hyperparameter (a narrow screen wraps between them); knobs only when on. */
export function formulaValueList(definition: OptimizerDefinition, values: ParameterValues): { key: string; tex: string }[] {
  const active = new Set<string>(activeKnobs(values));
  return definition.parameters
    .filter((spec) => !(KNOB_KEYS as string[]).includes(spec.key) || active.has(spec.key))
    .map((spec) => {
      const value = values[spec.key];
      if (spec.kind === 'boolean') return { key: spec.key, tex: `\\text{${spec.label} ${value ? 'on' : 'off'}}` };
      return { key: spec.key, tex: `${PARAMETER_SYMBOLS[spec.key] ?? `\\text{${spec.label}}`} = ${texNumber(value as number)}` };
    });
}
