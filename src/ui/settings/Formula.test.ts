import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { formulaValues } from '../../experiment/formulas';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from '../../experiment/optimizers';

const typeset = (tex: string) => katex.renderToString(tex, { output: 'mathml', throwOnError: true });

describe('typeset update rules', () => {
  it.each(OPTIMIZER_IDS)("%s's rule and its values typeset as MathML, with no inline styles", (id) => {
    const rule = typeset(OPTIMIZERS[id].tex);
    const values = typeset(formulaValues(OPTIMIZERS[id], optimizerDefaults(id)));
    for (const html of [rule, values]) {
      expect(html).toContain('<math');
      // The page's CSP blocks style attributes in markup.
      expect(html).not.toMatch(/\sstyle=/);
    }
  });

  it('shows a field that is not a number yet as a question mark', () => {
    expect(typeset(formulaValues(OPTIMIZERS.sgd, { ...optimizerDefaults('sgd'), learningRate: NaN }))).toContain('<mtext>?</mtext>');
  });
});
