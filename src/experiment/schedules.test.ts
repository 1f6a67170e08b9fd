import { describe, expect, test } from 'vitest';
import { defaultSchedule, learningRateAt, parseNumberList, scheduleCurve, scheduleProblems, SCHEDULES, SCHEDULE_KINDS, type ScheduleKind, type ScheduleValues } from './schedules';

/** Keras's assertAllClose(actual, expected, 1e-6): |a − e| ≤ atol + rtol·|e| with both 1e-6. */
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(expected));
const schedule = (kind: ScheduleKind, values: ScheduleValues) => ({ kind, values: { ...defaultSchedule(kind).values, ...values } });

// Expected values are those of keras/src/optimizers/schedules/learning_rate_schedule_test.py.
describe("Keras's schedule tests", () => {
  test('ExponentialDecay, continuous and staircase', () => {
    close(learningRateAt(schedule('exponential', { decaySteps: 10, decayRate: 0.96 }), 0.05, 5), 0.05 * 0.96 ** 0.5);
    const stairs = schedule('exponential', { decaySteps: 3, decayRate: 0.96, staircase: true });
    close(learningRateAt(stairs, 0.1, 1), 0.1);
    close(learningRateAt(stairs, 0.1, 2), 0.1);
    close(learningRateAt(stairs, 0.1, 100), 0.1 * 0.96 ** Math.floor(100 / 3));
  });

  test('PiecewiseConstantDecay at and between its boundaries', () => {
    const s = schedule('piecewise', { boundaries: [100, 110, 120], values: [1, 0.1, 0.01, 0.001] });
    for (const [step, expected] of [[-999, 1], [100, 1], [105, 0.1], [110, 0.1], [120, 0.01], [999, 0.001]]) close(learningRateAt(s, 123, step), expected);
    const b = schedule('piecewise', { boundaries: [1, 2, 3], values: [0.4, 0.5, 0.6, 0.7] });
    [0.4, 0.4, 0.5, 0.6, 0.7].forEach((expected, step) => close(learningRateAt(b, 1, step), expected));
  });

  test('PolynomialDecay, linear and square root, with and without cycle', () => {
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, endLearningRate: 0 }), 0.05, 5), 0.025);
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, endLearningRate: 0.001 }), 0.05, 10), 0.001);
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, endLearningRate: 0.001 }), 0.05, 5), (0.05 + 0.001) * 0.5);
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, endLearningRate: 0.001 }), 0.05, 15), 0.001);
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, endLearningRate: 0.001, cycle: true }), 0.05, 15), (0.05 - 0.001) * 0.25 + 0.001);
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, endLearningRate: 0, power: 0.5 }), 0.05, 5), 0.05 * 0.5 ** 0.5);
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, endLearningRate: 0.001, power: 0.5 }), 0.05, 5), (0.05 - 0.001) * 0.5 ** 0.5 + 0.001);
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, endLearningRate: 0.001, power: 0.5, cycle: true }), 0.05, 15), (0.05 - 0.001) * 0.25 ** 0.5 + 0.001);
    close(learningRateAt(schedule('polynomial', { decaySteps: 10, cycle: true }), 0.001, 0), 0.001);
  });

  test('InverseTimeDecay, continuous and staircase', () => {
    for (let i = 0; i <= 10; i++) {
      close(learningRateAt(schedule('inverseTime', { decaySteps: 10, decayRate: 0.96 }), 0.1, i), 0.1 / (1 + (i / 10) * 0.96));
      close(learningRateAt(schedule('inverseTime', { decaySteps: 10, decayRate: 0.96, staircase: true }), 0.1, i), 0.1 / (1 + 0.96 * Math.floor(i / 10)));
    }
  });

  const npCosine = (step: number, decaySteps: number, alpha = 0) => (1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps)) + alpha;
  test('CosineDecay, with alpha and with warmup', () => {
    for (let step = 0; step < 1500; step += 250) {
      close(learningRateAt(schedule('cosine', { decaySteps: 1000 }), 1, step), npCosine(step, 1000));
      close(learningRateAt(schedule('cosine', { decaySteps: 1000, alpha: 0.1 }), 1, step), npCosine(step, 1000, 0.1));
      close(learningRateAt(schedule('cosine', { decaySteps: 10, warmupSteps: 1500, warmupTarget: 10 }), 0, step), (step / 1500) * 10);
    }
    for (let step = 0; step < 3000; step += 250) {
      const expected = step < 2001 ? (step / 2000) * 10 : 10 * npCosine(step - 2000, 1000);
      close(learningRateAt(schedule('cosine', { decaySteps: 1000, warmupSteps: 2000, warmupTarget: 10 }), 0, step), expected);
    }
  });

  const npRestarts = (step: number, decaySteps: number, tMul = 2, mMul = 1, alpha = 0) => {
    let factor = 1;
    while (step >= decaySteps) {
      step -= decaySteps;
      decaySteps *= tMul;
      factor *= mMul;
    }
    return (1 - alpha) * factor * 0.5 * (1 + Math.cos((Math.PI * step) / decaySteps)) + alpha;
  };
  test('CosineDecayRestarts, with alpha, m_mul and t_mul', () => {
    for (let step = 0; step < 1500; step += 250) {
      close(learningRateAt(schedule('cosineRestarts', { decaySteps: 1000 }), 1, step), npRestarts(step, 1000));
      close(learningRateAt(schedule('cosineRestarts', { decaySteps: 1000, alpha: 0.1 }), 1, step), npRestarts(step, 1000, 2, 1, 0.1));
      close(learningRateAt(schedule('cosineRestarts', { decaySteps: 1000, mMul: 0.9 }), 1, step), npRestarts(step, 1000, 2, 0.9));
      close(learningRateAt(schedule('cosineRestarts', { decaySteps: 1000, tMul: 1 }), 1, step), npRestarts(step, 1000, 1));
    }
  });
});

describe('schedule settings', () => {
  test('every kind at its defaults is valid and starts at the learning rate (piecewise: its first rate)', () => {
    for (const kind of SCHEDULE_KINDS) {
      expect(scheduleProblems(defaultSchedule(kind))).toEqual([]);
      const start = learningRateAt(defaultSchedule(kind), 0.01, 0);
      expect(start).toBe(kind === 'piecewise' ? 0.001 : 0.01);
    }
  });

  test('constant is the learning rate at every step', () => {
    expect(learningRateAt(defaultSchedule('constant'), 0.01, 12345)).toBe(0.01);
    expect(learningRateAt(undefined, 0.01, 7)).toBe(0.01);
  });

  test('specific problems', () => {
    expect(scheduleProblems(schedule('piecewise', { boundaries: [10, 5], values: [1, 2, 3] }))).toEqual(['Boundaries must increase.']);
    expect(scheduleProblems(schedule('piecewise', { boundaries: [10], values: [1, 2, 3] }))).toEqual(['Rates needs one more value than Boundaries (2).']);
    expect(scheduleProblems(schedule('exponential', { decaySteps: 0 }))[0]).toMatch(/^Decay steps must be a whole number from 1/);
    expect(scheduleProblems(schedule('cosine', { warmupTarget: -1 }))[0]).toMatch(/^Warmup target must be above 0/);
    expect(scheduleProblems({ kind: 'bogus' as ScheduleKind, values: {} })).toEqual(['Unknown schedule "bogus".']);
  });

  test('number lists read as a person writes them', () => {
    const field = SCHEDULES.piecewise.fields[0] as Extract<(typeof SCHEDULES.piecewise.fields)[number], { kind: 'numberList' }>;
    expect(parseNumberList(field, ' 100,200 , 300')).toEqual({ ok: true, value: [100, 200, 300] });
    expect(parseNumberList(field, '100; 200')).toMatchObject({ ok: false, message: expect.stringMatching(/separated by commas/) });
    expect(parseNumberList(field, '100, 2.5')).toMatchObject({ ok: false, message: expect.stringMatching(/2.5 is not a whole number/) });
  });

  test('the curve samples step 1 to the last step, iteration = step − 1', () => {
    const curve = scheduleCurve(schedule('exponential', { decaySteps: 10, decayRate: 0.5 }), 1, 21, 400);
    expect(curve.steps).toHaveLength(21);
    expect(curve.steps[0]).toBe(1);
    expect(curve.rates[0]).toBe(1);
    expect(curve.rates[20]).toBeCloseTo(0.25, 12);
  });
});
