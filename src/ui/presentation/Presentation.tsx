/**
 * Presentation mode (issue 14): the toggle, its keyboard shortcuts, the settings' summary
 * line, and the measurement that lets the charts fill the rest of the screen.
 */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { bestEffortConfig } from '../../experiment/draft';
import { PRESENT_PARAMETER } from '../../experiment/view';
import { usePlayground } from '../StoreContext';
import { describeTarget, settingsSummary, shortcutFor } from './presentation';

/** Single-key shortcuts (P, Space) on or off: this browser's choice, not the experiment's, so not in the link. */
const SINGLE_KEYS_STORAGE = 'optimizer-playground.single-key-shortcuts';
const singleKeyListeners = new Set<() => void>();
let singleKeys = readSingleKeys();

function readSingleKeys(): boolean {
  try {
    return localStorage.getItem(SINGLE_KEYS_STORAGE) !== 'off';
  } catch {
    return true;
  }
}

function setSingleKeys(on: boolean) {
  singleKeys = on;
  try {
    if (on) localStorage.removeItem(SINGLE_KEYS_STORAGE);
    else localStorage.setItem(SINGLE_KEYS_STORAGE, 'off');
  } catch {
    // Storage refused (private mode): the choice lasts for this page.
  }
  singleKeyListeners.forEach((listener) => listener());
}

function useSingleKeys(): boolean {
  return useSyncExternalStore(
    (listener) => {
      singleKeyListeners.add(listener);
      return () => singleKeyListeners.delete(listener);
    },
    () => singleKeys,
    // The same on a server render (the unit tests render the page to HTML).
    () => singleKeys,
  );
}

/** The keys in words, and the switch that turns the single-key ones off (WCAG 2.1.4: speech input types letters). */
export function ShortcutSettings() {
  const on = useSingleKeys();
  const id = useId();
  return (
    <p className="shortcut-settings">
      <span id={id}>Keys: P toggles presentation mode; in it, Space trains or stops and Esc leaves.</span>{' '}
      <label className="check-field">
        <input type="checkbox" checked={on} aria-describedby={id} onChange={(event) => setSingleKeys(event.target.checked)} />
        Single-key shortcuts (P, Space)
      </label>
    </p>
  );
}

export function PresentationToggle() {
  const present = usePlayground((s) => s.view.present);
  const setView = usePlayground((s) => s.setView);
  const singleKeysOn = useSingleKeys();
  return (
    <button
      type="button"
      className="present-toggle"
      aria-pressed={present}
      aria-keyshortcuts={singleKeysOn ? 'P' : undefined}
      title={PRESENT_PARAMETER.help}
      onClick={() => setView({ present: !present })}
    >
      {PRESENT_PARAMETER.label}
    </button>
  );
}

/** The keys, said where the audience's lecturer looks: only in the mode. */
export function PresentationHint() {
  const present = usePlayground((s) => s.view.present);
  const singleKeysOn = useSingleKeys();
  if (!present) return null;
  return (
    <p className="present-hint">
      {singleKeysOn ? (
        <>
          <kbd>Space</kbd> trains or stops · <kbd>P</kbd> or <kbd>Esc</kbd> leaves
        </>
      ) : (
        <>
          <kbd>Esc</kbd> leaves
        </>
      )}
    </p>
  );
}

/** The settings in one line, with a button that shows them in full (and the other controls the mode hides). */
export function SettingsSummary({ shown, onToggle }: { shown: boolean; onToggle(shown: boolean): void }) {
  const draft = usePlayground((s) => s.draft);
  const summary = useMemo(() => settingsSummary(bestEffortConfig(draft)), [draft]);
  return (
    <div className="settings-summary">
      <p className="settings-summary__text">{summary}</p>
      <button type="button" aria-expanded={shown} onClick={() => onToggle(!shown)}>
        {shown ? 'Hide settings' : 'Show settings'}
      </button>
    </div>
  );
}

/**
 * P toggles the mode, Esc leaves it, Space trains or stops in it (see shortcutFor for
 * when they do not fire). On window, so React's handlers (a chart's Esc) run first.
 */
export function usePresentationKeys(canTrain: boolean, allowed: { trainStop: boolean; toggle: boolean } = { trainStop: true, toggle: true }) {
  const present = usePlayground((s) => s.view.present);
  const running = usePlayground((s) => s.run?.phase === 'running');
  const setView = usePlayground((s) => s.setView);
  const train = usePlayground((s) => s.train);
  const stop = usePlayground((s) => s.stop);
  const singleKeysOn = useSingleKeys();
  const state = useRef({ present, running, canTrain, singleKeys: singleKeysOn, setView, train, stop, allowed });
  state.current = { present, running, canTrain, singleKeys: singleKeysOn, setView, train, stop, allowed };
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const s = state.current;
      const shortcut = shortcutFor(event, describeTarget(event.target), s);
      if (!shortcut) return;
      // An instructor's link that hides or locks the buttons takes their keys away too.
      if (!s.allowed[shortcut === 'train' || shortcut === 'stop' ? 'trainStop' : 'toggle']) return;
      event.preventDefault();
      if (shortcut === 'toggle') s.setView({ present: !s.present });
      else if (shortcut === 'leave') s.setView({ present: false });
      else if (shortcut === 'train') s.train();
      else if (shortcut === 'stop') s.stop();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

/**
 * In the mode, the charts' plots take the screen's height below them: where the first
 * plot starts depends on how the header, summary and run panel wrap at this width, so
 * it is measured (into --present-plot-top) whenever the page changes size.
 */
export function usePresentationLayout(present: boolean) {
  useLayoutEffect(() => {
    const root = document.documentElement;
    if (!present) {
      root.style.removeProperty('--present-plot-top');
      return;
    }
    const measure = () => {
      // Plots the mode hides (the Learning rate chart) have no box and would measure as 0.
      const shown = [...document.querySelectorAll('.chart__plot')].filter((plot) => plot.getClientRects().length > 0);
      const tops = shown.map((plot) => plot.getBoundingClientRect().top + window.scrollY);
      if (!tops.length) return;
      // The lowest plot of the first row, should one chart's caption wrap and the other's not: both
      // then fit. A chart stacked below (a portrait screen) starts a plot's height lower.
      const first = Math.min(...tops);
      const top = Math.max(...tops.filter((t) => t - first < 120));
      root.style.setProperty('--present-plot-top', `${Math.round(top)}px`);
    };
    measure();
    // The body changes size whenever anything above the plots wraps, appears or goes.
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--present-plot-top');
    };
  }, [present]);
}
