/**
 * Presentation mode's pure parts: which key press is a shortcut, and the one-line
 * summary that stands in for the settings. Pure, so they are tested without a DOM.
 */
import { trainingContestants, type ExperimentConfig } from '../../experiment/config';
import { contestantName } from '../../experiment/contestants';
import { describeNetwork } from '../../experiment/network';
import { formatCount } from '../format';

/** What a key press does: `ignore` is ours but does nothing now (Space must not scroll the page instead). */
export type Shortcut = 'toggle' | 'leave' | 'train' | 'stop' | 'ignore';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  repeat: boolean;
  isComposing: boolean;
  defaultPrevented: boolean;
}

/** The element the key press is aimed at (the focused one), as far as shortcuts care. */
export interface KeyTarget {
  /** Upper case, as Element.tagName. */
  tag: string;
  role: string | null;
  /** Inside contenteditable. */
  editable: boolean;
}

/** Where letters and Space are text: every input (a checkbox or range too: Space ticks, arrows slide), select, textarea. */
const TYPING_TAGS = new Set(['INPUT', 'SELECT', 'TEXTAREA']);
const TYPING_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton', 'slider']);
/** Where Space already means something: it presses, ticks, opens or selects the focused element. */
const SPACE_TAGS = new Set(['BUTTON', 'A', 'SUMMARY', 'OPTION', 'AUDIO', 'VIDEO']);
const SPACE_ROLES = new Set(['button', 'link', 'checkbox', 'switch', 'radio', 'option', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'tab', 'treeitem', 'gridcell']);

export function describeTarget(target: EventTarget | null): KeyTarget {
  if (!target || !(target as Element).tagName) return { tag: 'BODY', role: null, editable: false };
  const element = target as HTMLElement;
  return { tag: element.tagName.toUpperCase(), role: element.getAttribute('role'), editable: element.isContentEditable === true };
}

/**
 * The shortcut a key press stands for, or null to leave it to the browser and the page.
 * P toggles the mode anywhere; Esc leaves it; Space trains or stops only in the mode
 * (outside it Space scrolls the page, as people expect). None fires while typing, with
 * a modifier held (Ctrl+P prints), on a key held down, or once something else handled it.
 */
export function shortcutFor(
  press: KeyPress,
  target: KeyTarget,
  state: { present: boolean; canTrain: boolean; running: boolean; /** P and Space: off for who asks (WCAG 2.1.4). */ singleKeys: boolean },
): Shortcut | null {
  if (press.defaultPrevented || press.isComposing || press.ctrlKey || press.metaKey || press.altKey || press.shiftKey) return null;
  if (target.editable || TYPING_TAGS.has(target.tag) || (target.role !== null && TYPING_ROLES.has(target.role))) return null;
  if (press.key === 'Escape') return state.present ? 'leave' : null;
  // Speech input types letters and spaces as it hears words: single-key shortcuts can be turned off.
  if (!state.singleKeys) return null;
  if (press.key === 'p' || press.key === 'P') return press.repeat ? 'ignore' : 'toggle';
  if (press.key === ' ' && state.present) {
    if (SPACE_TAGS.has(target.tag) || (target.role !== null && SPACE_ROLES.has(target.role))) return null;
    // Held down, Space would train and then stop at once.
    if (press.repeat) return 'ignore';
    return state.running ? 'stop' : state.canTrain ? 'train' : 'ignore';
  }
  return null;
}

/** "5 contestants: SGD, Adam, … · 784 → 128 ReLU → 10 softmax · 5 epochs · batch 128 · 60,000 examples". */
export function settingsSummary(config: ExperimentConfig): string {
  const contestants = trainingContestants(config);
  const names = contestants.map(contestantName).join(', ');
  return [
    `${contestants.length} contestant${contestants.length === 1 ? '' : 's'}${names ? `: ${names}` : ''}`,
    describeNetwork(config.network),
    `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`,
    `batch ${formatCount(config.batchSize)}`,
    `${formatCount(config.trainExamples)} examples`,
  ].join(' · ');
}
