import type { ContestantStyle } from '../experiment/contestants';

/** A short line in a contestant's colour and dash pattern: the same mark in legends, tooltips and the table. */
export function ContestantSwatch({ style }: { style: Pick<ContestantStyle, 'color' | 'dash'> }) {
  return (
    <svg className="contestant-swatch" width="24" height="10" viewBox="0 0 24 10" aria-hidden="true">
      <line x1="1" y1="5" x2="23" y2="5" stroke={style.color} strokeWidth="3" strokeDasharray={style.dash || undefined} />
    </svg>
  );
}
