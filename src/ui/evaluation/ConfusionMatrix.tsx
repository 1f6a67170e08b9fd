import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { cellLabel, confusionColorScale, DIGITS, textColorOn } from './evaluationView';

const SIZE = DIGITS.length;

/**
 * The confusion matrix as an ARIA grid: one cell in the tab order at a time (roving
 * tabindex), arrow keys, Home and End move within it; every cell is named "True 4,
 * predicted 9: 23 examples", the same text as its tooltip and as the line under the grid
 * (for touch, which has no hover).
 */
export function ConfusionMatrix({ confusion, name }: { confusion: readonly number[]; name: string }) {
  const [active, setActive] = useState(0);
  const [shown, setShown] = useState<number | undefined>();
  const cells = useRef<(HTMLTableCellElement | null)[]>([]);
  const colors = useMemo(() => {
    const scale = confusionColorScale(Math.max(...confusion));
    return confusion.map((count) => {
      const background = scale(count);
      return { background, color: textColorOn(background) };
    });
  }, [confusion]);

  const move = (index: number) => {
    setActive(index);
    cells.current[index]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    const row = Math.floor(active / SIZE);
    const column = active % SIZE;
    const last = SIZE - 1;
    const targets: Record<string, number> = {
      ArrowRight: row * SIZE + Math.min(last, column + 1),
      ArrowLeft: row * SIZE + Math.max(0, column - 1),
      ArrowDown: Math.min(last, row + 1) * SIZE + column,
      ArrowUp: Math.max(0, row - 1) * SIZE + column,
      Home: event.ctrlKey ? 0 : row * SIZE,
      End: event.ctrlKey ? SIZE * SIZE - 1 : row * SIZE + last,
      PageUp: column,
      PageDown: last * SIZE + column,
    };
    if (!Object.hasOwn(targets, event.key)) return;
    event.preventDefault();
    move(targets[event.key]);
  };

  const detail = shown ?? active;
  return (
    <div className="confusion">
      <h3>Confusion matrix</h3>
      <p className="confusion__axes">Rows: the true digit. Columns: the predicted digit. The diagonal is right.</p>
      <table role="grid" aria-label={`Confusion matrix of ${name}`} className="confusion__grid" onKeyDown={onKeyDown}>
        <thead>
          <tr>
            <td className="confusion__corner" />
            {DIGITS.map((d) => (
              <th key={d} scope="col" role="columnheader">
                <span className="visually-hidden">Predicted </span>
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {DIGITS.map((t) => (
            <tr key={t}>
              <th scope="row" role="rowheader">
                <span className="visually-hidden">True </span>
                {t}
              </th>
              {DIGITS.map((p) => {
                const index = t * SIZE + p;
                const label = cellLabel(t, p, confusion[index]);
                return (
                  <td
                    key={p}
                    ref={(cell) => void (cells.current[index] = cell)}
                    role="gridcell"
                    tabIndex={index === active ? 0 : -1}
                    aria-label={label}
                    title={label}
                    className={t === p ? 'confusion__cell confusion__cell--diagonal' : 'confusion__cell'}
                    style={colors[index]}
                    onFocus={() => setActive(index)}
                    onMouseEnter={() => setShown(index)}
                    onMouseLeave={() => setShown(undefined)}
                  >
                    {confusion[index]}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="confusion__detail" aria-hidden="true">
        {cellLabel(Math.floor(detail / SIZE), detail % SIZE, confusion[detail])}
      </p>
    </div>
  );
}
