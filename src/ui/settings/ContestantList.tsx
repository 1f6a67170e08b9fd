import { canAddContestant, type Resolution } from '../../experiment/draft';
import { MAX_CONTESTANTS, contestantKey } from '../../experiment/contestants';
import { usePlayground } from '../StoreContext';
import { ContestantCard } from './ContestantCard';

/** Every contestant, each optimizer's first with an "Add another …" button below its group. */
export function ContestantList({ errors }: { errors: Resolution['errors'] }) {
  const draft = usePlayground((s) => s.draft);
  let ticked = 0;
  const cards = draft.contestants.map((contestant, i) => {
    const position = contestant.selected ? ticked++ : -1;
    // The button sits after the last contestant of its optimizer.
    const lastOfOptimizer = draft.contestants[i + 1]?.optimizer !== contestant.optimizer;
    return (
      <ContestantCard
        key={contestantKey(contestant)}
        contestant={contestant}
        position={position}
        errors={errors}
        canAddAnother={lastOfOptimizer ? canAddContestant(draft, contestant.optimizer) : undefined}
      />
    );
  });
  return (
    <fieldset className="panel optimizers">
      <legend>Optimizers</legend>
      <p className="field__hint">
        Tick up to {MAX_CONTESTANTS}; add another of any optimizer to compare settings side by side.
      </p>
      {cards}
    </fieldset>
  );
}
