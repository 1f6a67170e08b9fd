/**
 * Presentation mode (issue 14): the toggle, its keyboard shortcuts, the settings' summary
 * line, and the measurement that lets the charts fill the rest of the screen.
 */
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { bestEffortConfig } from '../../experiment/draft';
import { PRESENT_PARAMETER } from '../../experiment/view';
import { usePlayground } from '../StoreContext';
import { describeTarget, settingsSummary, shortcutFor } from './presentation';

export function PresentationToggle() {
  const present = usePlayground((s) => s.view.present);
  const setView = usePlayground((s) => s.setView);
  return (
    <button type="button" className="present-toggle" aria-pressed={present} aria-keyshortcuts="P" title={`${PRESENT_PARAMETER.help}`} onClick={() => setView({ present: !present })}>
      {PRESENT_PARAMETER.label}
    </button>
  );
}

/** The keys, said where the audience's lecturer looks: only in the mode. */
export function PresentationHint() {
  const present = usePlayground((s) => s.view.present);
  if (!present) return null;
  return (
    <p className="present-hint">
      <kbd>Space</kbd> trains or stops · <kbd>P</kbd> or <kbd>Esc</kbd> leaves
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
export function usePresentationKeys(canTrain: boolean) {
  const present = usePlayground((s) => s.view.present);
  const running = usePlayground((s) => s.run?.phase === 'running');
  const setView = usePlayground((s) => s.setView);
  const train = usePlayground((s) => s.train);
  const stop = usePlayground((s) => s.stop);
  const state = useRef({ present, running, canTrain, setView, train, stop });
  state.current = { present, running, canTrain, setView, train, stop };
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const s = state.current;
      const shortcut = shortcutFor(event, describeTarget(event.target), s);
      if (!shortcut) return;
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
      const tops = [...document.querySelectorAll('.chart__plot')].map((plot) => plot.getBoundingClientRect().top + window.scrollY);
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
