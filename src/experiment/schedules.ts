/**
 * Learning-rate schedules, as Keras 3 defines them
 * (keras/src/optimizers/schedules/learning_rate_schedule.py). A contestant's
 * learning rate is the schedule's initial_learning_rate; the schedule is called
 * with Keras's `iterations`, the number of steps already taken (0 on the first
 * step), so a schedule behaves here as it would in `model.fit`. Computed in double
 * on the host; the engines store the result as float32.
 */
import type { BooleanParameter, ChoiceParameter, NumberParameter } from './parameters';

export const SCHEDULE_KINDS = ['constant', 'exponential', 'inverseTime', 'piecewise', 'polynomial', 'cosine', 'cosineRestarts'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** A list of numbers typed as "1000, 2000" (PiecewiseConstantDecay's boundaries and values). */
export interface NumberListParameter {
  kind: 'numberList';
  key: string;
  label: string;
  defaultValue: readonly number[];
  min: number;
  max: number;
  minExclusive?: boolean;
  integer?: boolean;
  urlKey?: string;
  help: string;
}

export type ScheduleField = NumberParameter | BooleanParameter | NumberListParameter;
export type ScheduleValues = Record<string, number | boolean | readonly number[]>;

export interface ScheduleSettings {
  kind: ScheduleKind;
  /** The kind's fields (SCHEDULES[kind].fields); nothing for constant. */
  values: ScheduleValues;
}

const MAX_STEPS = 10_000_000;

const steps = (label: string, help: string): NumberParameter => ({ kind: 'number', key: 'decaySteps', label, urlKey: 'steps', defaultValue: 1000, min: 1, max: MAX_STEPS, integer: true, help });
const flag = (key: string, label: string, help: string): BooleanParameter => ({ kind: 'boolean', key, label, defaultValue: false, urlKey: key, help });
const alpha: NumberParameter = { kind: 'number', key: 'alpha', label: 'Alpha', urlKey: 'alpha', defaultValue: 0, min: 0, max: 1, help: 'The floor, as a fraction of the starting rate.' };
const staircase = flag('staircase', 'Staircase', 'Decay in whole steps of Decay steps rather than smoothly.');

export interface ScheduleInfo {
  kind: ScheduleKind;
  /** Keras's class name, which the select shows. */
  label: string;
  fields: readonly ScheduleField[];
}

export const SCHEDULES: Record<ScheduleKind, ScheduleInfo> = {
  constant: { kind: 'constant', label: 'Constant', fields: [] },
  exponential: {
    kind: 'exponential',
    label: 'ExponentialDecay',
    fields: [
      steps('Decay steps', 'Steps over which the rate is multiplied by the decay rate once.'),
      { kind: 'number', key: 'decayRate', label: 'Decay rate', urlKey: 'rate', defaultValue: 0.96, min: 0, minExclusive: true, max: 10, help: 'lr × rate^(step / decay steps).' },
      staircase,
    ],
  },
  inverseTime: {
    kind: 'inverseTime',
    label: 'InverseTimeDecay',
    fields: [
      steps('Decay steps', 'The step scale of the decay.'),
      { kind: 'number', key: 'decayRate', label: 'Decay rate', urlKey: 'rate', defaultValue: 0.5, min: 0, max: 1000, help: 'lr / (1 + rate × step / decay steps).' },
      staircase,
    ],
  },
  piecewise: {
    kind: 'piecewise',
    label: 'PiecewiseConstantDecay',
    fields: [
      { kind: 'numberList', key: 'boundaries', label: 'Boundaries', urlKey: 'bounds', defaultValue: [1000, 2000], min: 0, max: MAX_STEPS, integer: true, help: 'Steps where the rate changes, increasing, separated by commas.' },
      { kind: 'numberList', key: 'values', label: 'Rates', urlKey: 'rates', defaultValue: [0.001, 0.0005, 0.0001], min: 0, minExclusive: true, max: 1000, help: 'One more rate than boundaries: the rate up to the first boundary, then after each. Replaces the learning rate.' },
    ],
  },
  polynomial: {
    kind: 'polynomial',
    label: 'PolynomialDecay',
    fields: [
      steps('Decay steps', 'Steps to reach the end rate.'),
      { kind: 'number', key: 'endLearningRate', label: 'End learning rate', urlKey: 'end', defaultValue: 0.0001, min: 0, max: 1000, help: 'The rate after Decay steps.' },
      { kind: 'number', key: 'power', label: 'Power', urlKey: 'power', defaultValue: 1, min: 0, minExclusive: true, max: 10, help: '1 is a straight line; 0.5 a square root.' },
      flag('cycle', 'Cycle', 'Start again from the top after Decay steps, over longer periods.'),
    ],
  },
  cosine: {
    kind: 'cosine',
    label: 'CosineDecay',
    fields: [
      steps('Decay steps', 'Steps of the half cosine from the rate down to alpha × rate.'),
      alpha,
      { kind: 'number', key: 'warmupSteps', label: 'Warmup steps', urlKey: 'warmup', defaultValue: 0, min: 0, max: MAX_STEPS, integer: true, help: 'Steps of linear warmup from the learning rate to the warmup target before the decay; 0 is none.' },
      { kind: 'number', key: 'warmupTarget', label: 'Warmup target', urlKey: 'target', defaultValue: 0.001, min: 0, minExclusive: true, max: 1000, help: 'The rate warmup reaches and the decay starts from (used when Warmup steps > 0).' },
    ],
  },
  cosineRestarts: {
    kind: 'cosineRestarts',
    label: 'CosineDecayRestarts',
    fields: [
      steps('First decay steps', 'Steps of the first cosine period.'),
      { kind: 'number', key: 'tMul', label: 'Period factor', urlKey: 'tmul', defaultValue: 2, min: 0, minExclusive: true, max: 10, help: "Each period is this many times longer than the last (Keras's t_mul)." },
      { kind: 'number', key: 'mMul', label: 'Restart factor', urlKey: 'mmul', defaultValue: 1, min: 0, max: 10, help: "Each restart starts this many times lower (Keras's m_mul)." },
      alpha,
    ],
  },
};

/** The `Schedule` select. */
export const SCHEDULE_PARAMETER: ChoiceParameter<ScheduleKind> = {
  kind: 'choice',
  key: 'schedule',
  label: 'Schedule',
  urlKey: 'sched',
  options: SCHEDULE_KINDS.map((kind) => ({ value: kind, label: SCHEDULES[kind].label })),
  defaultValue: 'constant',
  help: 'How the learning rate changes over the steps, as a Keras LearningRateSchedule.',
};

export function isScheduleKind(value: unknown): value is ScheduleKind {
  return SCHEDULE_KINDS.includes(value as ScheduleKind);
}

export function defaultSchedule(kind: ScheduleKind = 'constant'): ScheduleSettings {
  return { kind, values: Object.fromEntries(SCHEDULES[kind].fields.map((f) => [f.key, f.defaultValue])) };
}

export const CONSTANT_SCHEDULE: ScheduleSettings = defaultSchedule('constant');

export function isConstantSchedule(schedule: ScheduleSettings | undefined): boolean {
  return !schedule || schedule.kind === 'constant';
}

const num = (values: ScheduleValues, key: string) => values[key] as number;
const list = (values: ScheduleValues, key: string) => values[key] as readonly number[];

/** The learning rate Keras's schedule gives at `iteration` (steps already taken) from `initial`. */
export function learningRateAt(schedule: ScheduleSettings | undefined, initial: number, iteration: number): number {
  if (!schedule || schedule.kind === 'constant') return initial;
  const v = schedule.values;
  const step = iteration;
  switch (schedule.kind) {
    case 'exponential': {
      let p = step / num(v, 'decaySteps');
      if (v.staircase) p = Math.floor(p);
      return initial * num(v, 'decayRate') ** p;
    }
    case 'inverseTime': {
      let p = step / num(v, 'decaySteps');
      if (v.staircase) p = Math.floor(p);
      return initial / (1 + num(v, 'decayRate') * p);
    }
    case 'piecewise': {
      const boundaries = list(v, 'boundaries');
      const values = list(v, 'values');
      const after = boundaries.findIndex((b) => step <= b);
      return after === -1 ? values[values.length - 1] : values[after];
    }
    case 'polynomial': {
      const end = num(v, 'endLearningRate');
      let decaySteps = num(v, 'decaySteps');
      let at = step;
      if (v.cycle) decaySteps *= step === 0 ? 1 : Math.ceil(step / decaySteps);
      else at = Math.min(step, decaySteps);
      return (initial - end) * (1 - at / decaySteps) ** num(v, 'power') + end;
    }
    case 'cosine': {
      const decaySteps = num(v, 'decaySteps');
      const cosine = (at: number, from: number) => from * ((1 - num(v, 'alpha')) * 0.5 * (1 + Math.cos(Math.PI * (at / decaySteps))) + num(v, 'alpha'));
      const warmupSteps = num(v, 'warmupSteps');
      if (warmupSteps === 0) return cosine(Math.min(step, decaySteps), initial);
      const target = num(v, 'warmupTarget');
      const at = Math.min(step, decaySteps + warmupSteps);
      return at < warmupSteps ? (target - initial) * (at / warmupSteps) + initial : cosine(at - warmupSteps, target);
    }
    case 'cosineRestarts': {
      const tMul = num(v, 'tMul');
      let fraction = step / num(v, 'decaySteps');
      let restart: number;
      if (tMul === 1) {
        restart = Math.floor(fraction);
        fraction -= restart;
      } else {
        restart = Math.floor(Math.log(1 - fraction * (1 - tMul)) / Math.log(tMul));
        const before = (1 - tMul ** restart) / (1 - tMul);
        fraction = (fraction - before) / tMul ** restart;
      }
      const decayed = 0.5 * num(v, 'mMul') ** restart * (1 + Math.cos(Math.PI * fraction));
      return initial * ((1 - num(v, 'alpha')) * decayed + num(v, 'alpha'));
    }
  }
}

/** Problems with a schedule's values, each a sentence (the form, links and the worker all check these). */
export function scheduleProblems(schedule: ScheduleSettings): string[] {
  const info = SCHEDULES[schedule.kind];
  if (!info) return [`Unknown schedule "${String(schedule.kind)}".`];
  const problems: string[] = [];
  for (const field of info.fields) {
    const value = schedule.values[field.key];
    if (field.kind === 'boolean') {
      if (typeof value !== 'boolean') problems.push(`${field.label} must be on or off.`);
    } else if (field.kind === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${field.label} must be a number.`);
      else if (value < field.min || value > field.max || (field.minExclusive && value === field.min) || (field.integer && !Number.isInteger(value))) {
        problems.push(`${field.label} must be ${field.integer ? 'a whole number ' : ''}${field.minExclusive ? 'above' : 'from'} ${field.min} ${field.minExclusive ? 'and at most' : 'to'} ${field.max}.`);
      }
    } else {
      const message = listProblem(field, value);
      if (message) problems.push(message);
    }
  }
  if (schedule.kind === 'piecewise' && problems.length === 0) {
    const boundaries = list(schedule.values, 'boundaries');
    if (boundaries.some((b, i) => i > 0 && b <= boundaries[i - 1])) problems.push('Boundaries must increase.');
    if (list(schedule.values, 'values').length !== boundaries.length + 1) problems.push(`Rates needs one more value than Boundaries (${boundaries.length + 1}).`);
  }
  return problems;
}

const MAX_LIST = 20;

function listProblem(field: NumberListParameter, value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return `${field.label} needs at least one number.`;
  if (value.length > MAX_LIST) return `${field.label} takes at most ${MAX_LIST} numbers.`;
  const bad = value.find((x) => typeof x !== 'number' || !Number.isFinite(x) || x < field.min || x > field.max || (field.minExclusive && x === field.min) || (field.integer && !Number.isInteger(x)));
  if (bad !== undefined) return `${field.label}: ${String(bad)} is not ${field.integer ? 'a whole number' : 'a number'} ${field.minExclusive ? 'above' : 'from'} ${field.min} ${field.minExclusive ? 'and at most' : 'to'} ${field.max}.`;
  return undefined;
}

/** Reads "1000, 2000" (spaces optional); a message instead when it is not a list of numbers. */
export function parseNumberList(field: NumberListParameter, text: string): { ok: true; value: number[] } | { ok: false; message: string } {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(p))) return { ok: false, message: `${field.label}: write numbers separated by commas, e.g. ${field.defaultValue.join(', ')}.` };
  const value = parts.map(Number);
  const problem = listProblem(field, value);
  return problem ? { ok: false, message: problem } : { ok: true, value };
}

export function formatNumberList(values: readonly number[]): string {
  return values.join(', ');
}

/** The rate at every step of a run (1-based step t uses iteration t − 1), for the schedule chart. */
export function scheduleCurve(schedule: ScheduleSettings | undefined, initial: number, totalSteps: number, points = 400): { steps: number[]; rates: number[] } {
  const count = Math.max(2, Math.min(points, totalSteps));
  const steps: number[] = [];
  const rates: number[] = [];
  for (let i = 0; i < count; i++) {
    const step = 1 + Math.round((i * (totalSteps - 1)) / (count - 1));
    steps.push(step);
    rates.push(learningRateAt(schedule, initial, step - 1));
  }
  return { steps, rates };
}
