/**
 * What an instructor's link can hide or lock: one table, as TF Playground's `*_hide`
 * keys, read by the link (`conceal=network,pacing&lock=training,adam`), by the
 * Instructor panel that writes such links, and by the page, where each entry guards
 * its controls (ui/instructor/InstructorGate.tsx). Hidden: not rendered, so not
 * reachable by keyboard either. Locked: shown but disabled, with a note.
 *
 * A student can always edit the address and undo it: a link is a lesson plan, not
 * access control, and nothing here pretends otherwise.
 */
import { OPTIMIZER_IDS, OPTIMIZERS } from './optimizers';
import type { BooleanParameter } from './parameters';

export interface InstructorControl {
  /** Its token in `conceal` and `lock`. */
  id: string;
  /** Its name in the Instructor panel. */
  name: string;
  /** What hiding or locking it covers, in the panel's words. */
  covers: string;
}

export const INSTRUCTOR_CONTROLS = [
  { id: 'lessons', name: 'Lessons menu', covers: 'The Lessons menu, which loads a prepared experiment.' },
  { id: 'training', name: 'Training settings', covers: 'Epochs, batch size, training examples and seed.' },
  { id: 'network', name: 'Network', covers: 'Hidden layers, their units and the activation.' },
  { id: 'contestants', name: 'Optimizer checkboxes', covers: 'Which contestants train: ticking, adding and removing them. Hidden, only the ticked ones are listed.' },
  ...OPTIMIZER_IDS.map((id) => ({ id, name: `${OPTIMIZERS[id].label} settings`, covers: `Every ${OPTIMIZERS[id].label} contestant’s hyperparameters, shared knobs, learning-rate schedule and finder, and its Keras defaults button.` })),
  { id: 'train', name: 'Train and Stop', covers: 'The Train and Stop buttons (and Space in presentation mode).' },
  { id: 'pacing', name: 'Pause, Step and Speed', covers: 'Pause, Resume, Step and the Speed control.' },
  { id: 'charts', name: 'Chart options', covers: 'X axis, training curves, log axis, smoothing, Reset zoom, and the legend’s toggles.' },
  { id: 'inside', name: 'Inside the optimizers', covers: 'The Inside the optimizers panel: opening it, its layer choice and its charts.' },
  { id: 'evaluation', name: 'Evaluation panel', covers: 'The confusion matrix, the mistakes and the digit pad.' },
  { id: 'lab', name: 'Loss-surface lab tab', covers: 'The tabs between Training and the loss-surface lab.' },
  { id: 'share', name: 'Links and files', covers: 'Copy link, Open results…, dropping a results file, and the exports.' },
  { id: 'backend', name: 'Backend choice', covers: 'The choice of backend.' },
  { id: 'presentation', name: 'Presentation mode', covers: 'The Presentation mode button (and the P key).' },
  { id: 'diagnostics', name: 'Diagnostics', covers: 'The Diagnostics panel in the footer.' },
  { id: 'instructor', name: 'Instructor panel', covers: 'This panel. Hide it in a student link, or students can undo the rest.' },
] as const satisfies readonly InstructorControl[];

export type ControlId = (typeof INSTRUCTOR_CONTROLS)[number]['id'];
export type ControlAccess = 'shown' | 'locked' | 'hidden';

export const CONTROL_IDS: readonly ControlId[] = INSTRUCTOR_CONTROLS.map((c) => c.id);

export function isControlId(value: string): value is ControlId {
  return (CONTROL_IDS as readonly string[]).includes(value);
}

/** What a link asks of the controls; both lists in table order. */
export interface InstructorSettings {
  concealed: readonly ControlId[];
  locked: readonly ControlId[];
  /** The page opens with a start overlay: one click or key trains. */
  start: boolean;
}

/** `start=1`: the start overlay. */
export const START_PARAMETER = {
  kind: 'boolean',
  key: 'start',
  urlKey: 'start',
  label: 'Start overlay',
  defaultValue: false,
  help: 'The page opens with a large Start button: one click or key press trains once the data is ready.',
} as const satisfies BooleanParameter;

export function defaultInstructorSettings(): InstructorSettings {
  return { concealed: [], locked: [], start: START_PARAMETER.defaultValue };
}

/** Hidden wins over locked: a control hidden and locked is simply not there. */
export function controlAccess(settings: InstructorSettings, id: ControlId): ControlAccess {
  return settings.concealed.includes(id) ? 'hidden' : settings.locked.includes(id) ? 'locked' : 'shown';
}

/** The settings with one control's access changed; lists stay in table order. */
export function withAccess(settings: InstructorSettings, id: ControlId, access: ControlAccess): InstructorSettings {
  const set = (list: readonly ControlId[], on: boolean) => CONTROL_IDS.filter((c) => (c === id ? on : list.includes(c)));
  return { ...settings, concealed: set(settings.concealed, access === 'hidden'), locked: set(settings.locked, access === 'locked') };
}

/** Link text of a list of controls, in table order: "network,pacing"; '' when none. */
export function formatControls(ids: readonly ControlId[]): string {
  return CONTROL_IDS.filter((id) => ids.includes(id)).join(',');
}

/** A link's `conceal` or `lock`: known ids in table order, each once; the rest reported. */
export function parseControls(raw: string): { value: ControlId[]; rejected: string[] } {
  const tokens = raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  return { value: CONTROL_IDS.filter((id) => tokens.includes(id)), rejected: [...new Set(tokens.filter((t) => !isControlId(t)))] };
}

/** The note a locked control carries. */
export const LOCKED_NOTE = 'Locked by the instructor.';
