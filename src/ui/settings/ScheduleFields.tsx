import { useId } from 'react';
import { scheduleFieldKey, type Resolution } from '../../experiment/draft';
import { isScheduleKind, SCHEDULE_PARAMETER, SCHEDULES } from '../../experiment/schedules';
import { usePlayground } from '../StoreContext';
import { NumberField } from './NumberField';

/** A contestant's `Schedule` select (Keras's LearningRateSchedule classes) and the chosen schedule's fields. */
export function ScheduleFields({ contestant, errors }: { contestant: string; errors: Resolution['errors'] }) {
  const kindText = usePlayground((s) => s.draft.choices[scheduleFieldKey(contestant)] ?? SCHEDULE_PARAMETER.defaultValue);
  const text = usePlayground((s) => s.draft.text);
  const flags = usePlayground((s) => s.draft.flags);
  const setText = usePlayground((s) => s.setText);
  const setFlag = usePlayground((s) => s.setFlag);
  const setChoice = usePlayground((s) => s.setChoice);
  const selectId = useId();
  const kind = isScheduleKind(kindText) ? kindText : SCHEDULE_PARAMETER.defaultValue;
  const fieldName = (field: string) => `${SCHEDULE_PARAMETER.key}.${field}`;
  return (
    <div className="schedule-fields field-grid">
      <div className="field">
        <label htmlFor={selectId}>{SCHEDULE_PARAMETER.label}</label>
        <select id={selectId} value={kind} onChange={(e) => setChoice(scheduleFieldKey(contestant), e.target.value)}>
          {SCHEDULE_PARAMETER.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <span className="field__hint">{SCHEDULE_PARAMETER.help}</span>
      </div>
      {SCHEDULES[kind].fields.map((field) => {
        const id = scheduleFieldKey(contestant, field.key);
        if (field.kind === 'boolean') {
          return (
            <label key={id} className="check-field" title={field.help}>
              <input type="checkbox" checked={flags[id] ?? field.defaultValue} onChange={(e) => setFlag(contestant, fieldName(field.key), e.target.checked)} />
              {field.label}
            </label>
          );
        }
        const shown = text[id] ?? (field.kind === 'numberList' ? field.defaultValue.join(', ') : String(field.defaultValue));
        return <NumberField key={id} spec={field} value={shown} error={errors[id]} onChange={(t) => setText(contestant, fieldName(field.key), t)} />;
      })}
    </div>
  );
}
