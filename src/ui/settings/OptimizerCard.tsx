import { memo, useId } from 'react';
import { fieldKey, type Resolution } from '../../experiment/draft';
import { OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import { usePlayground } from '../StoreContext';
import { NumberField } from './NumberField';

/** Memoised: starting or stopping a run re-renders the page, not the form. */
export const OptimizerCard = memo(function OptimizerCard({ id, errors }: { id: OptimizerId; errors: Resolution['errors'] }) {
  const info = OPTIMIZERS[id];
  const checkboxId = useId();
  const selected = usePlayground((s) => s.draft.selected.includes(id));
  const text = usePlayground((s) => s.draft.text);
  const flags = usePlayground((s) => s.draft.flags);
  const setSelected = usePlayground((s) => s.setSelected);
  const setText = usePlayground((s) => s.setText);
  const setFlag = usePlayground((s) => s.setFlag);
  const resetOptimizer = usePlayground((s) => s.resetOptimizer);
  return (
    <section className={`optimizer-card${selected ? '' : ' optimizer-card--off'}`} style={{ ['--series' as string]: info.color }}>
      <div className="optimizer-card__head">
        <input id={checkboxId} type="checkbox" checked={selected} onChange={(e) => setSelected(id, e.target.checked)} />
        <label htmlFor={checkboxId} className="optimizer-card__name">
          <span className="swatch" aria-hidden="true" />
          {info.label}
        </label>
        <button type="button" className="link-button" onClick={() => resetOptimizer(id)} aria-label={`Reset ${info.label} to Keras defaults`}>
          Keras defaults
        </button>
      </div>
      <fieldset className="optimizer-card__params">
        <legend className="visually-hidden">{info.label} settings</legend>
        <div className="field-grid">
          {info.parameters.map((spec) => {
            const key = fieldKey(id, spec.key);
            if (spec.kind === 'boolean') {
              return (
                <label key={key} className="check-field" title={spec.help}>
                  <input type="checkbox" checked={flags[key] ?? spec.defaultValue} onChange={(e) => setFlag(id, spec.key, e.target.checked)} />
                  {spec.label}
                </label>
              );
            }
            return <NumberField key={key} spec={spec} value={text[key] ?? ''} error={errors[key]} onChange={(t) => setText(id, spec.key, t)} />;
          })}
        </div>
        <details className="rule">
          <summary>Update rule (Keras)</summary>
          <code>{info.rule}</code>
        </details>
      </fieldset>
    </section>
  );
});
