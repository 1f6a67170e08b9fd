/**
 * Lessons: prepared experiments with a question. Each is data: the experiment it sets
 * (a link, decoded by urlState as the base that `lesson=<id>` starts from), a question
 * with a few predictions to pick from before training, and an answer worded from what
 * this app measured in the student's own run(s), never from folklore: the wording only
 * states comparisons the numbers in it show, so it holds for whatever seed was trained.
 */
import type { ExperimentConfig } from './config';
import { compareTopTwo, spreadOf } from './seedStats';
import { contestantKey, contestantName, type Contestant } from './contestants';
import type { EpochMetrics, RunStatus } from './metrics';

/** A finished contestant of a run, as the answer reads it. */
export interface LessonContestant {
  key: string;
  name: string;
  contestant: Contestant;
  status: RunStatus;
  /** The first seed's epochs (the only seed's, in a one-seed run). */
  history: readonly EpochMetrics[];
  /** Final test accuracy of every seed that finished (diverged seeds left out), and the seeds trained. */
  finals: readonly number[];
  seeds: number;
}

/** One run the student trained while the lesson was open. */
export interface LessonRun {
  config: ExperimentConfig;
  contestants: readonly LessonContestant[];
}

export interface LessonAnswer {
  /** What happened, in sentences with the measured numbers. */
  explanation: string;
  /** The prediction the run supports (an id of `predictions`), or null when the run cannot tell. */
  supported: string | null;
}

export interface Lesson {
  id: string;
  title: string;
  /** The experiment, as a link (urlState reads it; defaults left out). */
  link: string;
  question: string;
  predictions: readonly { id: string; text: string }[];
  /** What to do after the first run, when the lesson needs a second one. */
  followUp?: string;
  /** Explains the runs (oldest first; at least one); null when they cannot answer yet, with what is missing. */
  answer(runs: readonly LessonRun[]): LessonAnswer | { missing: string };
}

// ---------------------------------------------------------------------------
// Wording from measurements
// ---------------------------------------------------------------------------

const percent = (accuracy: number) => `${(accuracy * 100).toFixed(1)} %`;
const points = (difference: number) => `${(Math.abs(difference) * 100).toFixed(1)} points`;
const lossText = (loss: number) => (Number.isFinite(loss) ? loss.toPrecision(3) : 'not a number');

/** A contestant's last epoch, or undefined when it has none or diverged. */
function finalOf(c: LessonContestant): EpochMetrics | undefined {
  return c.status === 'diverged' ? undefined : c.history.at(-1);
}

/** "Adam at lr 0.001 reached 97.1 % test accuracy (loss 0.0912)", or how it failed. */
function outcome(c: LessonContestant, label = c.name): string {
  if (c.status === 'diverged') return `${label} diverged (its loss blew up, and the app stopped it)${c.history.length ? ` after ${c.history.length} epoch${c.history.length > 1 ? 's' : ''}` : ' within the first epoch'}`;
  const last = c.history.at(-1);
  if (!last) return `${label} finished no epoch`;
  return `${label} reached ${percent(last.testAccuracy)} test accuracy (test loss ${lossText(last.testLoss)}) after ${last.epoch} epoch${last.epoch > 1 ? 's' : ''}`;
}

/** The contestants of a run that finished at least one epoch without diverging, best test accuracy first. */
function ranked(run: LessonRun): LessonContestant[] {
  return run.contestants.filter((c) => finalOf(c)).sort((a, b) => finalOf(b)!.testAccuracy - finalOf(a)!.testAccuracy);
}

/** Differences of one point or less are called "about the same": a different seed moves single runs by that much. */
const CLOSE = 0.01;

function find(run: LessonRun, key: string): LessonContestant | undefined {
  return run.contestants.find((c) => c.key === key);
}

const lr = (c: LessonContestant) => c.contestant.hyperparameters.learningRate as number;

/** The run's contestants that the lesson needs, or what is missing. */
function need(run: LessonRun, keys: readonly string[]): LessonContestant[] | { missing: string } {
  const found = keys.map((k) => find(run, k));
  const absent = keys.filter((_, i) => !found[i]);
  if (absent.length) return { missing: `This run did not train ${absent.join(', ')}; train the lesson's contestants to see the answer.` };
  return found as LessonContestant[];
}

type Winner = 'a' | 'b' | 'close';

/** "A beats B by 3.2 points" / "A and B end within 1 point" from two contestants' last epochs. */
function compare(a: LessonContestant, b: LessonContestant, aLabel = a.name, bLabel = b.name): { text: string; winner: Winner } {
  const fa = finalOf(a);
  const fb = finalOf(b);
  if (!fa && !fb) return { text: `${outcome(a, aLabel)}, and ${outcome(b, bLabel)}.`, winner: 'close' };
  if (!fb) return { text: `${outcome(a, aLabel)}, while ${outcome(b, bLabel)}.`, winner: 'a' };
  if (!fa) return { text: `${outcome(b, bLabel)}, while ${outcome(a, aLabel)}.`, winner: 'b' };
  // From the accuracies as the sentence shows them (one decimal of a percent), so the gap adds up on the page.
  const shown = (accuracy: number) => Math.round(accuracy * 1000) / 1000;
  const gap = shown(fa.testAccuracy) - shown(fb.testAccuracy);
  const both = `In this run ${outcome(a, aLabel)}; ${outcome(b, bLabel)}.`;
  if (Math.abs(gap) <= CLOSE) return { text: `${both} They end within ${points(gap)} of each other, too close for one seed to separate.`, winner: 'close' };
  return { text: `${both} ${gap > 0 ? aLabel : bLabel} is ahead by ${points(gap)}.`, winner: gap > 0 ? 'a' : 'b' };
}

/** The prediction a two-way comparison supports: the lesson's ids for "a ahead", "b ahead" and "too close". */
function versus(a: LessonContestant, b: LessonContestant, supports: Record<Winner, string>, aLabel?: string, bLabel?: string): { text: string; supported: string } {
  const { text, winner } = compare(a, b, aLabel, bLabel);
  return { text, supported: supports[winner] };
}

/**
 * The article's answer over several seeds: the results table's own sentence (means ± sd,
 * overlap, Welch's test), and the prediction it supports: the two overlapping is "too
 * close"; a leader clear of the other's spread is that leader.
 */
function overSeeds(run: LessonRun): LessonAnswer | { missing: string } {
  const finished = run.contestants.filter((c) => c.finals.length).map((c) => ({ ...c, spread: spreadOf(c.finals) }));
  const sentence = compareTopTwo(finished);
  if (!sentence || finished.length < 2) return { missing: 'This run has fewer than two contestants with results; train at least two to compare.' };
  const [first, second] = [...finished].sort((a, b) => b.spread.mean - a.spread.mean);
  const overlap = first.spread.mean - first.spread.sd <= second.spread.mean + second.spread.sd;
  const pair = [first.key, second.key].sort().join(',');
  const supported = overlap ? (pair === 'adam,rmsprop' ? 'close' : null) : ['adam', 'rmsprop', 'sgd'].includes(first.key) ? first.key : null;
  const rest = [...finished]
    .sort((a, b) => b.spread.mean - a.spread.mean)
    .slice(2)
    .map((c) => `${c.name} ${percent(c.spread.mean)}`);
  return { explanation: [sentence, rest.length ? `Then, by their means, ${rest.join(', ')}.` : ''].filter(Boolean).join(' '), supported };
}

// ---------------------------------------------------------------------------
// The lessons
// ---------------------------------------------------------------------------

const latest = (runs: readonly LessonRun[]) => runs[runs.length - 1];

export const LESSONS: readonly Lesson[] = [
  {
    id: 'article',
    title: 'The article: Keras defaults, 5 seeds',
    // The article's experiment is the default one: five optimizers at Keras defaults, 5 epochs of full MNIST, here over 5 seeds.
    link: '?v=2&seeds=5',
    question: 'Five optimizers at their Keras defaults, five epochs of full MNIST. Which ends with the highest test accuracy?',
    predictions: [
      { id: 'adam', text: 'Adam, clearly ahead of the rest' },
      { id: 'rmsprop', text: 'RMSprop, clearly ahead of the rest' },
      { id: 'close', text: 'Adam and RMSprop, too close to separate' },
      { id: 'sgd', text: 'Plain SGD' },
    ],
    answer: (runs) => {
      const run = latest(runs);
      if (run.config.seeds > 1) return overSeeds(run);
      const order = ranked(run);
      if (order.length < 2) return { missing: 'This run has fewer than two contestants with results; train at least two to compare.' };
      const [first, second] = order;
      const { text, winner } = compare(first, second);
      const rest = order.slice(2).map((c) => `${c.name} ${percent(finalOf(c)!.testAccuracy)}`);
      const diverged = run.contestants.filter((c) => c.status === 'diverged').map((c) => c.name);
      const pair = [first.key, second.key].sort().join(',');
      const supported = winner === 'close' ? (pair === 'adam,rmsprop' ? 'close' : null) : ['adam', 'rmsprop', 'sgd'].includes(first.key) ? first.key : null;
      return {
        explanation: [
          text,
          rest.length ? `Then ${rest.join(', ')}.` : '',
          diverged.length ? `${diverged.join(' and ')} diverged.` : '',
          'One seed is one draw of the initial weights and the batch order: only several seeds show whether a gap is larger than the spread between seeds.',
        ].filter(Boolean).join(' '),
        supported,
      };
    },
  },
  {
    id: 'adadelta-published',
    title: 'Adadelta as published (lr 1.0)',
    link: '?v=2&epochs=2&examples=10000&opt=adadelta,adadelta2&adadelta2.lr=1',
    question: 'Adadelta’s paper has no learning rate (in effect 1.0); Keras sets it to 0.001. Adadelta 2 runs at 1.0. What happens?',
    predictions: [
      { id: 'published', text: 'At 1.0 it learns far better' },
      { id: 'same', text: 'About the same: Adadelta adapts its own step' },
      { id: 'default', text: 'The Keras default (0.001) does better' },
    ],
    answer: (runs) => {
      const found = need(latest(runs), ['adadelta', 'adadelta2']);
      if ('missing' in found) return found;
      const [keras, published] = found;
      const { text, supported } = versus(published, keras, { a: 'published', b: 'default', close: 'same' }, `Adadelta at lr ${lr(published)}`, `Adadelta at lr ${lr(keras)}`);
      return {
        explanation: `${text} Adadelta multiplies its step by the learning rate, so at ${lr(keras)} each step is ${lr(published) / lr(keras)} times smaller than the rule as published.`,
        supported,
      };
    },
  },
  {
    id: 'learning-rate-too-large',
    title: 'A learning rate too large (SGD at 0.01, 0.1, 1 and 10)',
    link: '?v=2&epochs=2&examples=10000&opt=sgd,sgd2,sgd3,sgd4&sgd2.lr=0.1&sgd3.lr=1&sgd4.lr=10',
    question: 'Plain SGD at learning rates 0.01, 0.1, 1 and 10. Which ends best?',
    predictions: [
      { id: '0.01', text: '0.01, the Keras default' },
      { id: '0.1', text: '0.1' },
      { id: '1', text: '1' },
      { id: '10', text: '10: the bigger the steps, the faster it learns' },
    ],
    answer: (runs) => {
      const run = latest(runs);
      const found = need(run, ['sgd', 'sgd2', 'sgd3', 'sgd4']);
      if ('missing' in found) return found;
      const byRate = [...found].sort((a, b) => lr(a) - lr(b));
      const lines = byRate.map((c) => outcome(c, `SGD at lr ${lr(c)}`));
      const best = ranked({ ...run, contestants: found })[0];
      const diverged = byRate.filter((c) => c.status === 'diverged');
      return {
        explanation: [
          `In this run ${lines.join('; ')}.`,
          best ? `The best was lr ${lr(best)}.` : 'None of them finished an epoch.',
          diverged.length
            ? `At ${diverged.map((c) => lr(c)).join(' and ')} the steps were so large that the loss grew instead of falling.`
            : 'No rate diverged in this run.',
        ].join(' '),
        supported: best ? String(lr(best)) : null,
      };
    },
  },
  {
    id: 'momentum',
    title: 'Momentum helps SGD',
    link: '?v=2&epochs=2&examples=10000&opt=sgd,sgd2&sgd2.momentum=0.9',
    question: 'SGD at lr 0.01, without momentum and with momentum 0.9 (SGD 2). Which is ahead after two epochs?',
    predictions: [
      { id: 'momentum', text: 'With momentum' },
      { id: 'plain', text: 'Without momentum' },
      { id: 'same', text: 'About the same' },
    ],
    answer: (runs) => {
      const found = need(latest(runs), ['sgd', 'sgd2']);
      if ('missing' in found) return found;
      const [plain, withMomentum] = found;
      const momentum = withMomentum.contestant.hyperparameters.momentum as number;
      const { text, supported } = versus(withMomentum, plain, { a: 'momentum', b: 'plain', close: 'same' }, `SGD with momentum ${momentum}`, 'SGD without momentum');
      return {
        explanation: `${text} Momentum ${momentum} adds ${momentum} of the previous step to each new one, so along a steady slope the steps grow towards ${(1 / (1 - momentum)).toPrecision(2)} times the plain ones.`,
        supported,
      };
    },
  },
  {
    id: 'adam-epsilon',
    title: 'Adam’s epsilon',
    link: '?v=2&epochs=2&examples=10000&opt=adam,adam2,adam3&adam2.eps=0.01&adam3.eps=1',
    question: 'Epsilon is "just for numerical stability": Adam at ε = 1e-7 (Keras), 0.01 (Adam 2) and 1 (Adam 3). Does it matter?',
    predictions: [
      { id: 'no', text: 'No: all three end about the same' },
      { id: 'large-slows', text: 'A large ε slows Adam down' },
      { id: 'large-helps', text: 'A large ε helps Adam' },
    ],
    answer: (runs) => {
      const found = need(latest(runs), ['adam', 'adam2', 'adam3']);
      if ('missing' in found) return found;
      const [keras, , largest] = found;
      const eps = (c: LessonContestant) => c.contestant.hyperparameters.epsilon;
      const lines = found.map((c) => outcome(c, `Adam with ε = ${eps(c)}`));
      return {
        explanation: `In this run ${lines.join('; ')}. Adam divides each step by √v̂ + ε; once ε is larger than √v̂ (the gradients' typical size), the step shrinks towards lr · m̂ / ε, and Adam behaves like a slowed-down SGD with momentum.`,
        supported: versus(keras, largest, { a: 'large-slows', b: 'large-helps', close: 'no' }).supported,
      };
    },
  },
  {
    id: 'adagrad-shrinking-steps',
    title: 'Adagrad’s shrinking steps',
    link: '?v=2&epochs=3&examples=10000&opt=adagrad,rmsprop',
    question: 'Adagrad and RMSprop both divide each step by the root of past squared gradients: Adagrad sums all of them, RMSprop keeps a moving average. Same learning rate (0.001): which is ahead after three epochs?',
    predictions: [
      { id: 'rmsprop', text: 'RMSprop' },
      { id: 'adagrad', text: 'Adagrad' },
      { id: 'same', text: 'About the same' },
    ],
    answer: (runs) => {
      const found = need(latest(runs), ['adagrad', 'rmsprop']);
      if ('missing' in found) return found;
      const [adagrad, rmsprop] = found;
      const { text, supported } = versus(rmsprop, adagrad, { a: 'rmsprop', b: 'adagrad', close: 'same' });
      const gains = adagrad.status === 'diverged' ? [] : adagrad.history.map((m, i) => m.testAccuracy - (i ? adagrad.history[i - 1].testAccuracy : 0));
      const gainText =
        gains.length > 1
          ? ` Adagrad’s test accuracy rose by ${gains.slice(1).map((g, i) => `${points(g)} in epoch ${i + 2}`).join(' and ')}${gains.slice(1).some((g) => g < 0) ? ' (a minus where it fell)' : ''}.`
          : '';
      return {
        explanation: `${text}${gainText} Adagrad’s sum only grows, so each weight’s step only shrinks as training goes on; RMSprop’s average forgets old gradients and keeps its steps about the size of lr.`,
        supported,
      };
    },
  },
  {
    id: 'batch-size-noise',
    title: 'Batch size and noise',
    link: '?v=2&epochs=1&examples=10000&batch=16&opt=sgd&smooth=0',
    question: 'Plain SGD for one epoch of 10,000 examples, first with batches of 16, then of 512. Which ends with the higher test accuracy?',
    predictions: [
      { id: 'small', text: 'Batches of 16: many small, noisy steps' },
      { id: 'large', text: 'Batches of 512: fewer steps, but each gradient is more exact' },
      { id: 'same', text: 'About the same: both see every example once' },
    ],
    followUp: 'Now set Batch size to 512 and train again, then show the answer.',
    answer: (runs) => {
      // The latest run of each batch size, smallest against largest.
      const bySize = new Map<number, LessonRun>();
      for (const run of runs) bySize.set(run.config.batchSize, run);
      const sizes = [...bySize.keys()].sort((a, b) => a - b);
      if (sizes.length < 2) return { missing: `Train again with another batch size (say 512; this run used ${sizes[0]}) to compare.` };
      const [small, large] = [bySize.get(sizes[0])!, bySize.get(sizes[sizes.length - 1])!];
      const key = small.contestants.find((c) => large.contestants.some((d) => d.key === c.key))?.key;
      if (!key) return { missing: 'The two runs share no contestant; train the same optimizer at both batch sizes.' };
      const steps = (run: LessonRun) => Math.ceil(run.config.trainExamples / run.config.batchSize) * (find(run, key)!.history.length || 1);
      const label = (run: LessonRun) => `${find(run, key)!.name} at batch size ${run.config.batchSize} (${steps(run).toLocaleString('en-US')} steps)`;
      const { text, supported } = versus(find(small, key)!, find(large, key)!, { a: 'small', b: 'large', close: 'same' }, label(small), label(large));
      return {
        explanation: `${text} Each step at batch size ${small.config.batchSize} averages the gradient over ${small.config.batchSize} examples instead of ${large.config.batchSize}: a noisier estimate of the gradient over all examples, but ${large.config.batchSize / small.config.batchSize} times as many steps for the same examples.`,
        supported,
      };
    },
  },
];

export const LESSON_IDS: readonly string[] = LESSONS.map((l) => l.id);

export function lessonById(id: string | null | undefined): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** A run's contestants as the answers read them. */
export function lessonRun(
  config: ExperimentConfig,
  contestants: readonly { contestant: Contestant; status: RunStatus; history: readonly EpochMetrics[]; finals?: readonly number[]; seeds?: number }[],
): LessonRun {
  return {
    config,
    contestants: contestants.map((c) => ({
      ...c,
      key: contestantKey(c.contestant),
      name: contestantName(c.contestant),
      finals: c.finals ?? (c.status !== 'diverged' && c.history.length ? [c.history[c.history.length - 1].testAccuracy] : []),
      seeds: c.seeds ?? 1,
    })),
  };
}
