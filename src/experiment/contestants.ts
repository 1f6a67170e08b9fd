/**
 * Contestants: an experiment trains a list of them, each an optimizer with its own
 * hyperparameters. The same optimizer may appear several times ("Adam" beside
 * "Adam 2"). Every contestant starts from the same weights and sees the same batches.
 */
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults, type OptimizerId } from './optimizers';
import type { ParameterValues } from './parameters';
import type { ScheduleSettings } from './schedules';

/** The most contestants one run trains (each needs its own weights and slots). */
export const MAX_CONTESTANTS = 12;

/** The article's comparison, the experiment a new visitor sees. */
export const ARTICLE_OPTIMIZERS: readonly OptimizerId[] = ['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop'];

export interface Contestant {
  optimizer: OptimizerId;
  /** 1 for the first of its optimizer ("Adam"), 2 for "Adam 2", and so on. */
  ordinal: number;
  /** Whether it trains; an unselected contestant keeps its edits. */
  selected: boolean;
  hyperparameters: ParameterValues;
  /** The learning-rate schedule; absent is constant (older links and files). */
  schedule?: ScheduleSettings;
}

export type ContestantRef = Pick<Contestant, 'optimizer' | 'ordinal'>;

/** Its name in links, files and events: "adam", "adam2". */
export function contestantKey({ optimizer, ordinal }: ContestantRef): string {
  return ordinal === 1 ? optimizer : `${optimizer}${ordinal}`;
}

/** Its name on screen: "Adam", "Adam 2". */
export function contestantName({ optimizer, ordinal }: ContestantRef): string {
  const label = OPTIMIZERS[optimizer].label;
  return ordinal === 1 ? label : `${label} ${ordinal}`;
}

const KEY_PATTERN = /^([a-z]+?)([2-9]|1[0-2])?$/;

/** The contestant a key names ("adam2" → Adam, 2), or undefined for anything else. */
export function parseContestantKey(key: string): ContestantRef | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const optimizer = OPTIMIZER_IDS.find((id) => id === match[1]);
  return optimizer ? { optimizer, ordinal: match[2] ? Number(match[2]) : 1 } : undefined;
}

/** Catalog order, then ordinal: the one order of forms, links, files, charts and tables. */
export function compareContestants(a: ContestantRef, b: ContestantRef): number {
  return OPTIMIZER_IDS.indexOf(a.optimizer) - OPTIMIZER_IDS.indexOf(b.optimizer) || a.ordinal - b.ordinal;
}

export function sortContestants<T extends ContestantRef>(contestants: readonly T[]): T[] {
  return [...contestants].sort(compareContestants);
}

/** The smallest free ordinal above 1 for another contestant of `optimizer`. */
export function nextOrdinal(contestants: readonly ContestantRef[], optimizer: OptimizerId): number {
  const taken = new Set(contestants.filter((c) => c.optimizer === optimizer).map((c) => c.ordinal));
  let ordinal = 2;
  while (taken.has(ordinal)) ordinal += 1;
  return ordinal;
}

/** The most contestants of one optimizer (keys end in 2 … 12). */
export const MAX_PER_OPTIMIZER = MAX_CONTESTANTS;

/** One contestant per optimizer at Keras defaults; the article's five selected. */
export function defaultContestants(): Contestant[] {
  return OPTIMIZER_IDS.map((optimizer) => ({
    optimizer,
    ordinal: 1,
    selected: ARTICLE_OPTIMIZERS.includes(optimizer),
    hyperparameters: optimizerDefaults(optimizer),
  }));
}

/** Unticks the ticked contestants past MAX_CONTESTANTS (the last ones wait); says how many it unticked. */
export function withinCap<T extends Pick<Contestant, 'selected'>>(contestants: readonly T[]): { contestants: T[]; unticked: number } {
  let ticked = 0;
  const capped = contestants.map((c) => (c.selected && ++ticked > MAX_CONTESTANTS ? { ...c, selected: false } : c));
  return { contestants: capped, unticked: Math.max(0, ticked - MAX_CONTESTANTS) };
}

/**
 * Okabe & Ito's palette, which stays distinguishable with the common colour-vision
 * deficiencies (yellow darkened to read on white). The first five are the article's
 * optimizers' long-standing colours.
 */
export const CONTESTANT_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8C6D00', '#56B4E9', '#E69F00', '#000000'] as const;
/** SVG dash arrays: solid for the first round of colours, then patterns that stay apart at 2 px. */
export const CONTESTANT_DASHES = ['', '10 4 2 4', '2 3'] as const;

export interface ContestantStyle {
  color: string;
  /** SVG stroke-dasharray; '' is solid. */
  dash: string;
}

/** The style of the contestant at `index` in a run's list: colour first, a dash pattern once the colours run out. */
export function contestantStyle(index: number): ContestantStyle {
  const round = Math.floor(index / CONTESTANT_COLORS.length);
  return { color: CONTESTANT_COLORS[index % CONTESTANT_COLORS.length], dash: CONTESTANT_DASHES[round % CONTESTANT_DASHES.length] };
}
