import { memo, useId } from 'react';
import type { Resolution } from '../../experiment/draft';
import { ACTIVATION_PARAMETER, describeNetwork, HIDDEN_LAYERS_PARAMETER, LAYER_UNITS_PARAMETERS, type NetworkSettings as Network } from '../../experiment/network';
import { usePlayground } from '../StoreContext';
import { NumberField } from './NumberField';

/** Hidden layers, their widths and the activation; the network in words below. Memoised like the other settings. */
export const NetworkSettings = memo(function NetworkSettings({ errors, network }: { errors: Resolution['errors']; network?: Network }) {
  const text = usePlayground((s) => s.draft.text);
  const activation = usePlayground((s) => s.draft.choices[ACTIVATION_PARAMETER.key] ?? ACTIVATION_PARAMETER.defaultValue);
  const setText = usePlayground((s) => s.setText);
  const setChoice = usePlayground((s) => s.setChoice);
  const selectId = useId();
  const layers = Number(text[HIDDEN_LAYERS_PARAMETER.key]);
  const shown = Number.isInteger(layers) ? Math.max(0, Math.min(layers, LAYER_UNITS_PARAMETERS.length)) : 0;
  return (
    <fieldset className="panel network-settings">
      <legend>Network</legend>
      <div className="field-grid">
        <NumberField
          spec={HIDDEN_LAYERS_PARAMETER}
          value={text[HIDDEN_LAYERS_PARAMETER.key] ?? ''}
          error={errors[HIDDEN_LAYERS_PARAMETER.key]}
          onChange={(t) => setText(null, HIDDEN_LAYERS_PARAMETER.key, t)}
        />
        {LAYER_UNITS_PARAMETERS.slice(0, shown).map((spec) => (
          <NumberField key={spec.key} spec={spec} value={text[spec.key] ?? ''} error={errors[spec.key]} onChange={(t) => setText(null, spec.key, t)} />
        ))}
        {shown > 0 && (
          <div className="field">
            <label htmlFor={selectId}>{ACTIVATION_PARAMETER.label}</label>
            <select id={selectId} value={activation} onChange={(e) => setChoice(ACTIVATION_PARAMETER.key, e.target.value)}>
              {ACTIVATION_PARAMETER.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            <span className="field__hint">{ACTIVATION_PARAMETER.help}</span>
          </div>
        )}
      </div>
      {network && <p className="network-settings__words">{describeNetwork(network)}</p>}
    </fieldset>
  );
});
