import { useCallback, useState } from 'react';
import { canAddContestant, type Resolution } from '../../experiment/draft';
import { MAX_CONTESTANTS, contestantKey, contestantName, nextOrdinal } from '../../experiment/contestants';
import type { OptimizerId } from '../../experiment/optimizers';
import { usePlayground } from '../StoreContext';
import { ContestantCard } from './ContestantCard';
import { LOCKED_NOTE } from '../../experiment/instructorControls';
import { useControlAccess } from '../instructor/InstructorGate';

const CAP_HINT_ID = 'contestant-cap-hint';

/**
 * Every contestant, each optimizer's "Add another …" button below its group. Adding or
 * removing one moves keyboard focus to the contestant concerned (the new one, or the one
 * before the removed one) and says what happened, so nobody is left on a vanished button.
 */
export function ContestantList({ errors }: { errors: Resolution['errors'] }) {
  const draft = usePlayground((s) => s.draft);
  const addContestant = usePlayground((s) => s.addContestant);
  const removeContestant = usePlayground((s) => s.removeContestant);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const add = useCallback(
    (optimizer: OptimizerId) => {
      const added = { optimizer, ordinal: nextOrdinal(draft.contestants, optimizer) };
      addContestant(optimizer);
      setFocusKey(contestantKey(added));
      setAnnouncement(`${contestantName(added)} added, ticked, at Keras defaults.`);
    },
    [draft.contestants, addContestant],
  );
  const remove = useCallback(
    (key: string) => {
      const index = draft.contestants.findIndex((c) => contestantKey(c) === key);
      if (index < 1) return;
      removeContestant(key);
      // The one before it is always of the same optimizer: its first contestant can never be removed.
      setFocusKey(contestantKey(draft.contestants[index - 1]));
      setAnnouncement(`${contestantName(draft.contestants[index])} removed.`);
    },
    [draft.contestants, removeContestant],
  );
  const focused = useCallback(() => setFocusKey(null), []);
  // With the checkboxes hidden, the list is the contestants that train.
  const onlyTicked = useControlAccess('contestants') === 'hidden';
  const locked = useControlAccess('contestants') === 'locked';

  let ticked = 0;
  const cards = draft.contestants.map((contestant, i) => {
    if (onlyTicked && !contestant.selected) return null;
    const position = contestant.selected ? ticked++ : -1;
    // The button sits after the last contestant of its optimizer.
    const lastOfOptimizer = draft.contestants[i + 1]?.optimizer !== contestant.optimizer;
    const key = contestantKey(contestant);
    return (
      <ContestantCard
        key={key}
        contestant={contestant}
        position={position}
        errors={errors}
        canAddAnother={lastOfOptimizer ? canAddContestant(draft, contestant.optimizer) : undefined}
        capHintId={CAP_HINT_ID}
        onAdd={add}
        onRemove={remove}
        takeFocus={focusKey === key}
        onFocused={focused}
      />
    );
  });
  return (
    <fieldset className="panel optimizers">
      <legend>Optimizers</legend>
      {onlyTicked ? null : (
        <p className="field__hint" id={CAP_HINT_ID}>
          Tick up to {MAX_CONTESTANTS}; add another of any optimizer to compare settings side by side.
        </p>
      )}
      {locked && <p className="instructor-gate__note">Which contestants train: {LOCKED_NOTE.toLowerCase()}</p>}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {cards}
    </fieldset>
  );
}
