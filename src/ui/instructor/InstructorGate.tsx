import type { ReactNode } from 'react';
import { controlAccess, LOCKED_NOTE, type ControlAccess, type ControlId } from '../../experiment/instructorControls';
import { usePlayground } from '../StoreContext';

/** How the link shows a control of the instructor table: shown, locked or hidden. */
export function useControlAccess(id: ControlId): ControlAccess {
  return usePlayground((s) => controlAccess(s.view.instructor, id));
}

/**
 * Guards the controls of one entry of the instructor table (instructorControls.ts).
 * Hidden: nothing is rendered, so nothing can be reached by keyboard either. Locked: a
 * disabled fieldset, which disables every input, select and button inside it (and takes
 * them out of the tab order) without touching them, with a note saying why. The fieldset
 * takes no box of its own (`display: contents`), so the page lays out as without it.
 * `data-instructor-control` lets the unit test find every entry's gate.
 */
export function InstructorGate({ control, children, note = true, hiddenAsLocked = false }: { control: ControlId; children: ReactNode; note?: boolean; /** For what the page needs to read (the legend's colours): hidden only disables it. */ hiddenAsLocked?: boolean }) {
  const access = useControlAccess(control);
  if (access === 'hidden' && !hiddenAsLocked) return null;
  return (
    // No group for assistive technology while it changes nothing.
    <fieldset className="instructor-gate" data-instructor-control={control} disabled={access !== 'shown'} role={access === 'shown' ? 'none' : undefined}>
      {children}
      {access === 'locked' && note && <span className="instructor-gate__note">{LOCKED_NOTE}</span>}
    </fieldset>
  );
}
