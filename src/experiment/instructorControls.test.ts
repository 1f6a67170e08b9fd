import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultExperiment } from './config';
import {
  CONTROL_IDS,
  controlAccess,
  defaultInstructorSettings,
  INSTRUCTOR_CONTROLS,
  parseControls,
  withAccess,
  type ControlAccess,
  type ControlId,
} from './instructorControls';
import { decodeExperimentUrl, encodeExperimentUrl } from './urlState';
import { defaultView } from './view';

const withInstructor = (concealed: ControlId[], locked: ControlId[], start = false) => ({
  config: defaultExperiment(),
  view: { ...defaultView(), instructor: { concealed, locked, start } },
});

describe('the instructor table', () => {
  it('has unique ids that are safe in a link and unique names', () => {
    expect(new Set(CONTROL_IDS).size).toBe(CONTROL_IDS.length);
    for (const id of CONTROL_IDS) expect(id).toMatch(/^[a-z]+$/);
    expect(new Set(INSTRUCTOR_CONTROLS.map((c) => c.name)).size).toBe(CONTROL_IDS.length);
    for (const control of INSTRUCTOR_CONTROLS) expect(control.covers.length).toBeGreaterThan(10);
  });

  it('lets hidden win over locked, and keeps both lists in table order', () => {
    let settings = defaultInstructorSettings();
    settings = withAccess(settings, 'pacing', 'locked');
    settings = withAccess(settings, 'training', 'locked');
    settings = withAccess(settings, 'network', 'hidden');
    expect(settings.locked).toEqual(['training', 'pacing']);
    expect(settings.concealed).toEqual(['network']);
    expect(controlAccess(settings, 'training')).toBe('locked');
    expect(controlAccess(settings, 'network')).toBe('hidden');
    expect(controlAccess(settings, 'charts')).toBe('shown');
    settings = withAccess(settings, 'training', 'hidden');
    expect(settings.locked).toEqual(['pacing']);
    expect(controlAccess(settings, 'training')).toBe('hidden');
    expect(controlAccess({ ...settings, locked: ['network'] }, 'network')).toBe('hidden');
    expect(withAccess(settings, 'training', 'shown')).toEqual({ concealed: ['network'], locked: ['pacing'], start: false });
  });

  it('reads a list case-insensitively, once each, in table order, reporting what is not a control', () => {
    expect(parseControls(' Pacing,training,,pacing,foo,__proto__,foo')).toEqual({ value: ['training', 'pacing'], rejected: ['foo', '__proto__'] });
  });
});

describe('instructor links', () => {
  it('writes `conceal`, `lock` and `start=1` last, and nothing when nothing is asked', () => {
    expect(encodeExperimentUrl(withInstructor([], []))).toBe('?v=2');
    expect(encodeExperimentUrl(withInstructor(['instructor', 'network'], ['sgd', 'training'], true))).toBe('?v=2&conceal=network,instructor&lock=training,sgd&start=1');
    const link = '?v=2&epochs=2&present=1&conceal=lab&lock=pacing';
    expect(encodeExperimentUrl(decodeExperimentUrl(link))).toBe(link);
  });

  it('round-trips any choice of hidden and locked controls (property, 200 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<ControlAccess>('shown', 'locked', 'hidden'), { minLength: CONTROL_IDS.length, maxLength: CONTROL_IDS.length }), fc.boolean(), (access, start) => {
        const settings = CONTROL_IDS.reduce((s, id, i) => withAccess(s, id, access[i]), { ...defaultInstructorSettings(), start });
        const decoded = decodeExperimentUrl(encodeExperimentUrl({ config: defaultExperiment(), view: { ...defaultView(), instructor: settings } }));
        expect(decoded.notices).toEqual([]);
        expect(decoded.view.instructor).toEqual(settings);
      }),
      { numRuns: 200 },
    );
  });

  it('names an unknown control in a specific notice and keeps the rest of the link', () => {
    const { view, config, notices } = decodeExperimentUrl('?v=2&epochs=3&conceal=network,sliders&lock=trian');
    expect(config.epochs).toBe(3);
    expect(view.instructor.concealed).toEqual(['network']);
    expect(view.instructor.locked).toEqual([]);
    expect(notices).toEqual([
      'Hidden controls "sliders" ignored: the page has no control of that name.',
      'Locked controls "trian" ignored: the page has no control of that name.',
    ]);
    expect(decodeExperimentUrl('?start=maybe').notices).toEqual(['Start overlay "maybe" is not on or off; using off.']);
  });

  it('leaves older links as they were: no instructor keys means nothing hidden or locked; version 1 never had them', () => {
    expect(decodeExperimentUrl('?v=2&epochs=2').view.instructor).toEqual(defaultInstructorSettings());
    const v1 = decodeExperimentUrl('?v=1&epochs=2&conceal=network&lock=training&start=1&lesson=momentum');
    expect(v1.view.instructor).toEqual(defaultInstructorSettings());
    expect(v1.view.lesson).toBeNull();
    expect(v1.notices).toEqual(['Ignored unknown settings "conceal", "lock", "start" and 1 more.']);
  });
});
