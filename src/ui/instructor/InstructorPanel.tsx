import { useEffect, useId, useRef, useState } from 'react';
import { draftSearch } from '../../experiment/draft';
import { controlAccess, defaultInstructorSettings, INSTRUCTOR_CONTROLS, START_PARAMETER, withAccess, type ControlAccess, type InstructorSettings } from '../../experiment/instructorControls';
import { usePlayground } from '../StoreContext';
import { CopyLinkButton } from '../status/ShareControls';

const ACCESS_LABELS: [ControlAccess, string][] = [
  ['shown', 'Shown'],
  ['locked', 'Locked'],
  ['hidden', 'Hidden'],
];

/**
 * The Instructor panel: a dialog that chooses, from the one table of controls, what a
 * student link hides or locks, and copies that link. It edits a copy: the instructor's
 * own page stays as it is (else hiding this panel would lock the instructor out).
 */
export function InstructorPanel() {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const current = usePlayground((s) => s.view.instructor);
  const [settings, setSettings] = useState<InstructorSettings>(current);
  // The form exists only while the dialog is open: its labels ("Network", "Diagnostics") would otherwise double the page's.
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);
  const show = () => {
    setSettings(current);
    setOpen(true);
  };
  return (
    <>
      <button type="button" className="instructor-toggle" aria-haspopup="dialog" onClick={show}>
        Instructor
      </button>
      {open && (
        <dialog ref={dialog} className="instructor-dialog" aria-labelledby={titleId} onClose={() => setOpen(false)}>
          <InstructorForm titleId={titleId} settings={settings} onChange={setSettings} onClose={() => dialog.current?.close()} />
        </dialog>
      )}
    </>
  );
}

function InstructorForm({ titleId, settings, onChange, onClose }: { titleId: string; settings: InstructorSettings; onChange(settings: InstructorSettings): void; onClose(): void }) {
  const draft = usePlayground((s) => s.draft);
  const view = usePlayground((s) => s.view);
  const startId = useId();
  const studentLink = () => `${window.location.origin}${window.location.pathname}${draftSearch(draft, { ...view, instructor: settings })}`;
  return (
    <div className="instructor-form">
      <h2 id={titleId}>Instructor link</h2>
      <p>
        Choose what students see of this experiment. Hidden controls are not on their page; locked ones are shown but cannot be changed. Your own page stays as it
        is. A student can still edit the address: the link sets up a lesson, it does not enforce it.
      </p>
      <table className="instructor-form__table">
        <thead>
          <tr>
            <th scope="col">Control</th>
            <th scope="col">Students see it</th>
          </tr>
        </thead>
        <tbody>
          {INSTRUCTOR_CONTROLS.map((control) => (
            <tr key={control.id}>
              <th scope="row">
                {control.name}
                <span className="instructor-form__covers">{control.covers}</span>
              </th>
              <td>
                <select aria-label={control.name} value={controlAccess(settings, control.id)} onChange={(e) => onChange(withAccess(settings, control.id, e.target.value as ControlAccess))}>
                  {ACCESS_LABELS.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="check-field">
        <input id={startId} type="checkbox" checked={settings.start} onChange={(e) => onChange({ ...settings, start: e.target.checked })} />
        <label htmlFor={startId}>
          {START_PARAMETER.label}: {START_PARAMETER.help}
        </label>
      </p>
      <div className="instructor-form__actions">
        <CopyLinkButton label="Copy student link" link={studentLink} copied="Student link copied." />
        <button type="button" onClick={() => onChange(defaultInstructorSettings())}>
          Show everything
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
