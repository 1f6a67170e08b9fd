import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CONTROL_IDS, defaultInstructorSettings, LOCKED_NOTE, type ControlId, type InstructorSettings } from '../../experiment/instructorControls';
import { OPTIMIZER_IDS, type OptimizerId } from '../../experiment/optimizers';
import { defaultView, type ViewOptions } from '../../experiment/view';
import { createPlaygroundStore } from '../../store/playgroundStore';
import { App } from '../App';
import { StoreProvider } from '../StoreContext';

/**
 * Every entry of the instructor table is honoured by the page: rendered to HTML (no
 * browser needed), a text that only that entry's controls have is there when shown,
 * gone when hidden, and inside a disabled fieldset (which disables everything in it)
 * when locked. A new table entry needs a probe here (the Record type says so), and an
 * entry whose controls are not wrapped in its gate fails.
 */
const PROBES: Record<ControlId, string> = {
  lessons: '>Lessons</button>',
  training: '>Batch size</label>',
  network: '>Hidden layers</label>',
  contestants: '>Add another Adam</button>',
  sgd: 'aria-label="Reset SGD to Keras defaults"',
  adam: 'aria-label="Reset Adam to Keras defaults"',
  adagrad: 'aria-label="Reset Adagrad to Keras defaults"',
  adadelta: 'aria-label="Reset Adadelta to Keras defaults"',
  rmsprop: 'aria-label="Reset RMSprop to Keras defaults"',
  nadam: 'aria-label="Reset Nadam to Keras defaults"',
  adamw: 'aria-label="Reset AdamW to Keras defaults"',
  adamax: 'aria-label="Reset Adamax to Keras defaults"',
  lion: 'aria-label="Reset Lion to Keras defaults"',
  lamb: 'aria-label="Reset Lamb to Keras defaults"',
  ftrl: 'aria-label="Reset Ftrl to Keras defaults"',
  muon: 'aria-label="Reset Muon to Keras defaults"',
  train: '>Train</button>',
  pacing: '>Step</button>',
  charts: '>Reset zoom</button>',
  inside: 'aria-label="Inside the optimizers"',
  evaluation: 'aria-label="Evaluation"',
  lab: 'role="tablist"',
  share: '>Copy link</button>',
  backend: 'Automatic (fastest here)',
  presentation: '>Presentation mode</button>',
  diagnostics: '<summary>Diagnostics</summary>',
  instructor: '>Instructor</button>',
};

function render(instructor: Partial<InstructorSettings>, view: Partial<ViewOptions> = {}): string {
  const store = createPlaygroundStore({ load() {}, train() {}, stop() {} }, { view: { ...defaultView(), ...view, instructor: { ...defaultInstructorSettings(), ...instructor } } });
  return renderToStaticMarkup(createElement(StoreProvider, { store, children: createElement(App) }));
}

const GATE_OPEN = /<fieldset class="instructor-gate" data-instructor-control="([a-z]+)"( disabled="")?(?: role="none")?>/g;

/** The spans of HTML inside each gate of `control` (nested fieldsets counted), with whether it is disabled. */
function gates(html: string, control: ControlId): { text: string; disabled: boolean }[] {
  const found: { text: string; disabled: boolean }[] = [];
  for (const match of html.matchAll(GATE_OPEN)) {
    if (match[1] !== control) continue;
    const start = match.index + match[0].length;
    let depth = 1;
    const tags = /<fieldset\b|<\/fieldset>/g;
    tags.lastIndex = start;
    let end = html.length;
    for (let tag = tags.exec(html); tag; tag = tags.exec(html)) {
      depth += tag[0] === '</fieldset>' ? -1 : 1;
      if (depth === 0) {
        end = tag.index;
        break;
      }
    }
    found.push({ text: html.slice(start, end), disabled: match[2] !== undefined });
  }
  return found;
}

const count = (html: string, text: string) => html.split(text).length - 1;

describe('instructor gates', () => {
  const shown = render({});

  it('has a probe for every entry of the table, and each probe is on the page with nothing hidden', () => {
    expect(Object.keys(PROBES).sort()).toEqual([...CONTROL_IDS].sort());
    for (const id of CONTROL_IDS) expect(count(shown, PROBES[id]), id).toBeGreaterThan(0);
    expect(shown).not.toContain(LOCKED_NOTE);
  });

  it.each(CONTROL_IDS)('hides %s: its controls are not rendered, the others are', (id) => {
    const html = render({ concealed: [id] });
    expect(count(html, PROBES[id]), `${id} hidden`).toBe(0);
    // Hiding the checkboxes also hides the unticked contestants, with their settings.
    const unaffected = CONTROL_IDS.filter((other) => other !== id && !(id === 'contestants' && OPTIMIZER_IDS.includes(other as OptimizerId)));
    for (const other of unaffected) expect(count(html, PROBES[other]), `${other} with ${id} hidden`).toBe(count(shown, PROBES[other]));
  });

  it.each(CONTROL_IDS)('locks %s: every one of its controls is inside a disabled gate, with the note', (id) => {
    const html = render({ locked: [id] });
    const locked = gates(html, id);
    expect(locked.length, `${id} has a gate`).toBeGreaterThan(0);
    expect(locked.every((g) => g.disabled)).toBe(true);
    expect(locked.reduce((n, g) => n + count(g.text, PROBES[id]), 0), `every ${PROBES[id]} locked`).toBe(count(shown, PROBES[id]));
    expect(html.toLowerCase()).toContain(LOCKED_NOTE.toLowerCase().replace(/\.$/, ''));
    // Nothing else is locked.
    for (const other of CONTROL_IDS) if (other !== id) expect(gates(html, other).every((g) => !g.disabled), `${other} with ${id} locked`).toBe(true);
  });

  it('hidden wins over locked', () => {
    expect(count(render({ concealed: ['training'], locked: ['training'] }), PROBES.training)).toBe(0);
  });

  it('with the checkboxes hidden, lists only the ticked contestants, by name, without a checkbox', () => {
    const html = render({ concealed: ['contestants'] });
    expect(html).toContain('<h3 class="optimizer-card__name">Adam</h3>');
    expect(html).not.toContain('>Nadam</h3>');
    expect(html).not.toContain('>Add another');
  });

  it('with the lab tabs hidden, a link that opens the lab shows the training page', () => {
    expect(render({ concealed: ['lab'] }, { page: 'lab' })).toContain('>Batch size</label>');
    expect(render({}, { page: 'lab' })).not.toContain('>Batch size</label>');
  });

  it('keeps the legend readable when the chart options are hidden: disabled, not removed', () => {
    const html = render({ concealed: ['charts'] });
    expect(gates(html, 'charts')).toHaveLength(1);
    expect(gates(html, 'charts')[0].disabled).toBe(true);
  });
});
