import { memo } from 'react';
import { TRAINING_PARAMETERS } from '../../experiment/config';
import type { Resolution } from '../../experiment/draft';
import { usePlayground } from '../StoreContext';
import { NumberField } from './NumberField';

/** Memoised: starting or stopping a run re-renders the page, not the form. */
export const TrainingSettings = memo(function TrainingSettings({ errors }: { errors: Resolution['errors'] }) {
  const text = usePlayground((s) => s.draft.text);
  const setText = usePlayground((s) => s.setText);
  return (
    <fieldset className="panel training-settings">
      <legend>Training</legend>
      <div className="field-grid">
        {TRAINING_PARAMETERS.map((spec) => (
          <NumberField key={spec.key} spec={spec} value={text[spec.key] ?? ''} error={errors[spec.key]} onChange={(t) => setText(null, spec.key, t)} />
        ))}
      </div>
    </fieldset>
  );
});
