import { memo, useEffect, useId, useRef, useState } from 'react';
import { contestantKey, contestantName, contestantStyle } from '../../experiment/contestants';
import { fieldKey, type DraftContestant, type Resolution } from '../../experiment/draft';
import type { OptimizerAbout } from '../../experiment/algebra';
import { formulaValueList, ruleClauses } from '../../experiment/formulas';
import { OPTIMIZERS, type OptimizerId } from '../../experiment/optimizers';
import type { ParameterValues } from '../../experiment/parameters';
import { KNOB_KEYS } from '../../experiment/knobs';

const isKnob = (key: string) => (KNOB_KEYS as readonly string[]).includes(key);
import { usePlayground } from '../StoreContext';
import { InstructorGate, useControlAccess } from '../instructor/InstructorGate';
import { Formula } from './Formula';
import { NumberField } from './NumberField';
import { RateFinderPanel } from './RateFinderPanel';
import { ScheduleFields } from './ScheduleFields';
import { rateFinderBlocked } from '../../store/playgroundStore';

const OFF_COLOR = '#9a9a9a';

interface Props {
  contestant: DraftContestant;
  /** Its place among the ticked contestants (its colour in the next run), or -1 when unticked. */
  position: number;
  errors: Resolution['errors'];
  /** Offered after the last contestant of each optimizer; false when the caps are reached. */
  canAddAnother?: boolean;
  /** The hint that says the cap, for the disabled Add button. */
  capHintId: string;
  onAdd(optimizer: DraftContestant['optimizer']): void;
  onRemove(key: string): void;
  /** Move keyboard focus to this card's checkbox (after an add or a remove), then report it done. */
  takeFocus: boolean;
  onFocused(): void;
}

/** One contestant's checkbox and settings. Memoised: starting or stopping a run re-renders the page, not the form. */
export const ContestantCard = memo(function ContestantCard({ contestant, position, errors, canAddAnother, capHintId, onAdd, onRemove, takeFocus, onFocused }: Props) {
  const info = OPTIMIZERS[contestant.optimizer];
  const key = contestantKey(contestant);
  const name = contestantName(contestant);
  const checkboxId = useId();
  const text = usePlayground((s) => s.draft.text);
  const flags = usePlayground((s) => s.draft.flags);
  const setSelected = usePlayground((s) => s.setSelected);
  const setText = usePlayground((s) => s.setText);
  const setFlag = usePlayground((s) => s.setFlag);
  const resetContestant = usePlayground((s) => s.resetContestant);
  // Only this card's sweep: a sweep's progress re-renders its own card, not every card.
  const finder = usePlayground((s) => (s.rateFinder?.contestant === key ? s.rateFinder : undefined));
  const checkbox = useRef<HTMLInputElement>(null);
  const choiceAccess = useControlAccess('contestants');
  useEffect(() => {
    if (!takeFocus) return;
    checkbox.current?.focus();
    onFocused();
  }, [takeFocus, onFocused]);
  const style = position >= 0 ? contestantStyle(position) : { color: OFF_COLOR, dash: '' };
  const values = draftValues(info, key, text, flags);
  const ownParameters = info.parameters.filter((spec) => !isKnob(spec.key));
  const knobParameters = info.parameters.filter((spec) => isKnob(spec.key));
  // Open when a knob is on (AdamW's weight decay), so nothing that changes the rule hides.
  const knobsOn = knobParameters.some((spec) => values[spec.key] !== 0);
  const [knobsOpen, setKnobsOpen] = useState(knobsOn);
  const renderParameter = (spec: (typeof info.parameters)[number]) => {
    const field = fieldKey(key, spec.key);
    if (spec.kind === 'boolean') {
      return (
        <label key={field} className="check-field" title={spec.help}>
          <input type="checkbox" checked={flags[field] ?? spec.defaultValue} onChange={(e) => setFlag(key, spec.key, e.target.checked)} />
          {spec.label}
        </label>
      );
    }
    return <NumberField key={field} spec={spec} value={text[field] ?? ''} error={errors[field]} onChange={(t) => setText(key, spec.key, t)} />;
  };
  return (
    <section className={`optimizer-card${contestant.selected ? '' : ' optimizer-card--off'}`} style={{ ['--series' as string]: style.color }}>
      <div className="optimizer-card__head">
        {choiceAccess === 'hidden' ? (
          <h3 className="optimizer-card__name">{name}</h3>
        ) : (
          <InstructorGate control="contestants" note={false}>
            <input ref={checkbox} id={checkboxId} type="checkbox" checked={contestant.selected} onChange={(e) => setSelected(key, e.target.checked)} />
            <label htmlFor={checkboxId} className="optimizer-card__name">
              {name}
            </label>
          </InstructorGate>
        )}
        <InstructorGate control={contestant.optimizer} note={false}>
          <button type="button" className="link-button" onClick={() => resetContestant(key)} aria-label={`Reset ${name} to Keras defaults`}>
            Keras defaults
          </button>
        </InstructorGate>
        {contestant.ordinal > 1 && (
          <InstructorGate control="contestants" note={false}>
            <button type="button" className="link-button link-button--tight" onClick={() => onRemove(key)} aria-label={`Remove ${name}`}>
              Remove
            </button>
          </InstructorGate>
        )}
      </div>
      <InstructorGate control={contestant.optimizer}>
      <fieldset className="optimizer-card__params">
        <legend className="visually-hidden">{name} settings</legend>
        <div className="field-grid">{ownParameters.map(renderParameter)}</div>
        <details className="knobs" open={knobsOpen} onToggle={(e) => setKnobsOpen(e.currentTarget.open)}>
          <summary>Weight decay and clipping{knobsOn ? '' : ': off'}</summary>
          <div className="field-grid">{knobParameters.map(renderParameter)}</div>
        </details>
        <ScheduleFields contestant={key} errors={errors} />
        <details className="about">
          <summary>About {info.label}</summary>
          <p>{info.about.summary}</p>
          <ul className="about__sources" aria-label={`Where ${info.label} comes from`}>
            {info.about.sources.map((source) => (
              <li key={source.title}>
                <Citation source={source} />
              </li>
            ))}
          </ul>
        </details>
        <FindRateButton contestant={key} />
        {finder && <RateFinderPanel finder={finder} name={name} color={style.color} />}
        <details className="rule">
          <summary>Update rule (Keras)</summary>
          {/* One clause a line: MathML does not wrap, and a card is narrow. */}
          <span className="rule__formula">
            {ruleClauses(info, values).map((clause) => (
              <Formula key={clause} tex={clause} />
            ))}
          </span>
          <span className="rule__values">
            {formulaValueList(info, values).map(({ key: parameter, tex }) => (
              <Formula key={parameter} tex={tex} />
            ))}
          </span>
          <code>{info.rule}</code>
        </details>
      </fieldset>
      </InstructorGate>
      {canAddAnother !== undefined && (
        <InstructorGate control="contestants" note={false}>
        <button
          type="button"
          className="small-button add-contestant"
          onClick={() => onAdd(contestant.optimizer)}
          disabled={!canAddAnother}
          aria-describedby={canAddAnother ? undefined : capHintId}
        >
          Add another {info.label}
        </button>
        </InstructorGate>
      )}
    </section>
  );
});

/** "Kingma & Ba (2015). Adam: A Method for Stochastic Optimization. ICLR 2015." with its note, if any. */
function Citation({ source }: { source: OptimizerAbout['sources'][number] }) {
  return (
    <>
      {source.authors} ({source.year}). <cite>{source.title}</cite>. {source.published}.{source.note && ` ${source.note}`}
    </>
  );
}

/** The values as typed, for the formula: a field that is not a number yet shows as NaN ("?"). */
function draftValues(info: (typeof OPTIMIZERS)[OptimizerId], key: string, text: Record<string, string>, flags: Record<string, boolean>): ParameterValues {
  return Object.fromEntries(
    info.parameters.map((spec) => {
      const field = fieldKey(key, spec.key);
      if (spec.kind === 'boolean') return [spec.key, flags[field] ?? spec.defaultValue];
      const raw = (text[field] ?? '').trim();
      return [spec.key, raw === '' ? NaN : Number(raw)];
    }),
  );
}

/**
 * Its own component: whether a sweep may start changes when a run starts or ends, and
 * only this button needs to follow (the whole card re-rendering, twelve times, made
 * Train's click one main-thread task of 50-80 ms).
 */
function FindRateButton({ contestant }: { contestant: string }) {
  const findRate = usePlayground((s) => s.findRate);
  const blocked = usePlayground((s) => rateFinderBlocked(s));
  return (
    <button type="button" className="small-button rate-finder__open" onClick={() => findRate(contestant)} disabled={blocked !== undefined} title={blocked}>
      Find learning rate
    </button>
  );
}
