import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../experiment/config';
import { settingsSummary, shortcutFor, type KeyPress, type KeyTarget } from './presentation';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  repeat: false,
  isComposing: false,
  defaultPrevented: false,
  ...extra,
});
const on = (tag: string, role: string | null = null, editable = false): KeyTarget => ({ tag, role, editable });
const BODY = on('BODY');
const PRESENTING = { present: true, canTrain: true, running: false, singleKeys: true };
const IDLE = { present: false, canTrain: true, running: false, singleKeys: true };

describe('shortcutFor', () => {
  it('P toggles the mode in either state, lower or upper case (Caps Lock)', () => {
    expect(shortcutFor(press('p'), BODY, IDLE)).toBe('toggle');
    expect(shortcutFor(press('P'), BODY, PRESENTING)).toBe('toggle');
    // P has no meaning on a button or a chart: it still toggles there.
    expect(shortcutFor(press('p'), on('BUTTON'), IDLE)).toBe('toggle');
    expect(shortcutFor(press('p'), on('DIV', 'group'), IDLE)).toBe('toggle');
  });

  it('Esc leaves the mode, and is left alone outside it', () => {
    expect(shortcutFor(press('Escape'), BODY, PRESENTING)).toBe('leave');
    expect(shortcutFor(press('Escape'), BODY, IDLE)).toBeNull();
    // A chart that used Esc (to hide its cursor) has handled it.
    expect(shortcutFor(press('Escape', { defaultPrevented: true }), on('DIV', 'group'), PRESENTING)).toBeNull();
  });

  it('Space trains when Train is enabled, stops while running, and does nothing else in the mode', () => {
    expect(shortcutFor(press(' '), BODY, PRESENTING)).toBe('train');
    expect(shortcutFor(press(' '), BODY, { ...PRESENTING, running: true })).toBe('stop');
    expect(shortcutFor(press(' '), BODY, { ...PRESENTING, canTrain: false })).toBe('ignore');
    // Held down it would train and stop at once.
    expect(shortcutFor(press(' ', { repeat: true }), BODY, PRESENTING)).toBe('ignore');
    // Outside the mode Space scrolls the page, as browsers do.
    expect(shortcutFor(press(' '), BODY, IDLE)).toBeNull();
  });

  it('never fires while typing: inputs of every type, selects, textareas, contenteditable, text roles', () => {
    for (const target of [on('INPUT'), on('SELECT'), on('TEXTAREA'), on('DIV', null, true), on('DIV', 'textbox'), on('DIV', 'combobox'), on('SPAN', 'slider')]) {
      for (const key of ['p', 'P', ' ', 'Escape']) expect(shortcutFor(press(key), target, PRESENTING), `${key} on ${target.tag} ${target.role}`).toBeNull();
    }
  });

  it('leaves Space to a focused button, link, checkbox, disclosure or option, where it already has a meaning', () => {
    for (const target of [on('BUTTON'), on('A'), on('SUMMARY'), on('DIV', 'button'), on('SPAN', 'checkbox'), on('TD', 'gridcell'), on('LI', 'option')]) {
      expect(shortcutFor(press(' '), target, PRESENTING), `Space on ${target.tag} ${target.role}`).toBeNull();
    }
    // A focused chart or table region has no use for Space: it trains.
    expect(shortcutFor(press(' '), on('DIV', 'group'), PRESENTING)).toBe('train');
    expect(shortcutFor(press(' '), on('DIV', 'region'), PRESENTING)).toBe('train');
  });

  it('never fires with a modifier held (Ctrl+P prints, Shift+Space scrolls up) or while composing', () => {
    for (const modifier of ['ctrlKey', 'metaKey', 'altKey', 'shiftKey', 'isComposing'] as const) {
      for (const key of ['p', ' ', 'Escape']) expect(shortcutFor(press(key, { [modifier]: true }), BODY, PRESENTING), `${modifier} ${key}`).toBeNull();
    }
  });

  it('with single-key shortcuts turned off, P and Space are left alone; Esc still leaves', () => {
    const off = { ...PRESENTING, singleKeys: false };
    expect(shortcutFor(press('p'), BODY, off)).toBeNull();
    expect(shortcutFor(press(' '), BODY, off)).toBeNull();
    expect(shortcutFor(press(' '), BODY, { ...off, running: true })).toBeNull();
    expect(shortcutFor(press('Escape'), BODY, off)).toBe('leave');
  });

  it('ignores other keys', () => {
    for (const key of ['Enter', 'a', 'ArrowDown', 'Tab']) expect(shortcutFor(press(key), BODY, PRESENTING)).toBeNull();
  });
});

describe('settingsSummary', () => {
  it('says the experiment in one line: contestants, network, epochs, batch, examples', () => {
    expect(settingsSummary(defaultExperiment())).toBe(
      '5 contestants: SGD, Adam, Adagrad, Adadelta, RMSprop · 784 → 128 ReLU → 10 softmax · 5 epochs · batch 128 · 60,000 examples',
    );
  });

  it('counts in the singular and names added contestants by number', () => {
    const config = defaultExperiment();
    config.epochs = 1;
    config.trainExamples = 2000;
    config.network = { hiddenLayers: [64, 32], activation: 'tanh' };
    config.contestants = config.contestants.map((c) => ({ ...c, selected: c.optimizer === 'adam' }));
    expect(settingsSummary(config)).toBe('1 contestant: Adam · 784 → 64 tanh → 32 tanh → 10 softmax · 1 epoch · batch 128 · 2,000 examples');
    config.contestants.push({ ...config.contestants.find((c) => c.optimizer === 'adam')!, ordinal: 2 });
    expect(settingsSummary(config)).toMatch(/^2 contestants: Adam, Adam 2 · /);
  });
});
