import { describe, expect, it } from 'vitest';
import { trainingContestants, validateExperiment, type ExperimentConfig } from './config';
import { contestantKey } from './contestants';
import { LESSONS, lessonById, lessonRun, type Lesson, type LessonAnswer, type LessonRun } from './lessons';
import type { EpochMetrics, RunStatus } from './metrics';
import { decodeExperimentUrl, encodeExperimentUrl } from './urlState';

/** Epoch metrics ending at `accuracies` (test accuracy per epoch), losses falling with them. */
function history(accuracies: readonly number[]): EpochMetrics[] {
  return accuracies.map((testAccuracy, i) => ({
    epoch: i + 1,
    trainLoss: 2 * (1 - testAccuracy),
    trainAccuracy: testAccuracy,
    testLoss: 2.3 * (1 - testAccuracy),
    testAccuracy,
    seconds: 1,
    samplesPerSecond: 1000,
  }));
}

/** A run of the lesson's own experiment, each contestant with the given outcome (the last epoch's test accuracy, or 'diverged'). */
function runOf(lesson: Lesson, outcomes: Record<string, number | 'diverged'>, change: Partial<ExperimentConfig> = {}): LessonRun {
  const config = { ...decodeExperimentUrl(`?lesson=${lesson.id}`).config, ...change };
  return lessonRun(
    config,
    trainingContestants(config).map((contestant) => {
      const outcome = outcomes[contestantKey(contestant)] ?? 0.5;
      const status: RunStatus = outcome === 'diverged' ? 'diverged' : 'done';
      const last = outcome === 'diverged' ? [] : Array.from({ length: config.epochs }, (_, i) => outcome - 0.02 * (config.epochs - 1 - i));
      return { contestant, status, history: history(last) };
    }),
  );
}

const lesson = (id: string) => lessonById(id)!;

function withHistory(run: LessonRun, key: string, epochs: EpochMetrics[]): LessonRun {
  return { ...run, contestants: run.contestants.map((c) => (c.key === key ? { ...c, history: epochs } : c)) };
}

function answered(result: LessonAnswer | { missing: string }): LessonAnswer {
  if ('missing' in result) throw new Error(`missing: ${result.missing}`);
  return result;
}

describe('lessons as links', () => {
  it('has at least the seven lessons of the issue, each with a question and two or more predictions', () => {
    expect(LESSONS.map((l) => l.id)).toEqual(['article', 'adadelta-published', 'learning-rate-too-large', 'momentum', 'adam-epsilon', 'adagrad-shrinking-steps', 'batch-size-noise']);
    for (const l of LESSONS) {
      expect(l.question).toMatch(/\?$/);
      expect(l.predictions.length).toBeGreaterThanOrEqual(2);
      expect(new Set(l.predictions.map((p) => p.id)).size).toBe(l.predictions.length);
    }
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: its link and `lesson=` decode to a valid experiment without notices', (_, l) => {
    const own = decodeExperimentUrl(l.link);
    expect(own.notices).toEqual([]);
    expect(validateExperiment(own.config)).toEqual([]);
    const viaKey = decodeExperimentUrl(`?v=2&lesson=${l.id}`);
    expect(viaKey.notices).toEqual([]);
    expect(viaKey.config).toStrictEqual(own.config);
    expect(viaKey.view.lesson).toBe(l.id);
    // The shortest link of a lesson is its key.
    expect(encodeExperimentUrl(viaKey)).toBe(`?v=2&lesson=${l.id}`);
  });

  it('keeps the lessons short to train, except the article, which is the article’s experiment', () => {
    for (const l of LESSONS.filter((x) => x.id !== 'article')) {
      const { config } = decodeExperimentUrl(l.link);
      expect(config.epochs * config.trainExamples, l.id).toBeLessThanOrEqual(30_000);
    }
    // The article's experiment over 5 seeds.
    expect(decodeExperimentUrl(lesson('article').link).config).toStrictEqual({ ...decodeExperimentUrl('?v=2').config, seeds: 5 });
  });

  it('trains SGD at 0.01, 0.1, 1 and 10 as four contestants sgd … sgd4', () => {
    const { config } = decodeExperimentUrl('?lesson=learning-rate-too-large');
    expect(trainingContestants(config).map((c) => [contestantKey(c), c.hyperparameters.learningRate])).toEqual([
      ['sgd', 0.01],
      ['sgd2', 0.1],
      ['sgd3', 1],
      ['sgd4', 10],
    ]);
  });

  it('lets the rest of a link change a lesson, and writes only what differs from it', () => {
    const decoded = decodeExperimentUrl('?v=2&sgd2.momentum=0.5&lesson=momentum&epochs=5&conceal=training&lock=sgd&start=1');
    expect(decoded.notices).toEqual([]);
    expect(decoded.config.epochs).toBe(5);
    expect(decoded.config.trainExamples).toBe(10_000);
    expect(decoded.config.contestants.find((c) => contestantKey(c) === 'sgd2')?.hyperparameters.momentum).toBe(0.5);
    expect(decoded.view.instructor).toEqual({ concealed: ['training'], locked: ['sgd'], start: true });
    expect(encodeExperimentUrl(decoded)).toBe('?v=2&lesson=momentum&epochs=5&sgd2.momentum=0.5&conceal=training&lock=sgd&start=1');
    // A setting put back to its default, away from the lesson's, is written out.
    const backToDefault = { ...decoded, config: { ...decoded.config, trainExamples: 60_000 } };
    expect(decodeExperimentUrl(encodeExperimentUrl(backToDefault)).config.trainExamples).toBe(60_000);
  });

  it('names an unknown lesson in a notice and opens the rest of the link', () => {
    const { config, view, notices } = decodeExperimentUrl('?v=2&lesson=nope&epochs=3');
    expect(config.epochs).toBe(3);
    expect(view.lesson).toBeNull();
    expect(notices).toEqual([`Lesson "nope" does not exist; the lessons are ${LESSONS.map((l) => l.id).join(', ')}.`]);
  });
});

describe('lesson answers, worded from the measured run', () => {
  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: answers its own experiment with each contestant’s measured accuracy', (_, l) => {
    const keys = trainingContestants(decodeExperimentUrl(l.link).config).map(contestantKey);
    // Distinct accuracies, so each must be quoted from this run.
    const last = runOf(l, Object.fromEntries(keys.map((key, i) => [key, 0.611 + i / 10])));
    const runs = l.followUp ? [runOf(l, {}, { batchSize: 512 }), last] : [last];
    const answer = answered(l.answer(runs));
    // Quoted to one decimal, or two where a mean over seeds is (the article's top two).
    for (const [i] of keys.entries()) if (l.id !== 'batch-size-noise') expect(answer.explanation).toMatch(new RegExp(`${(61.1 + i * 10).toFixed(1).replace('.', '\\.')}0? %`));
    expect(answer.supported === null || l.predictions.some((p) => p.id === answer.supported)).toBe(true);
  });

  it('Adadelta: quotes both rates’ accuracies and supports the one that won', () => {
    const answer = answered(lesson('adadelta-published').answer([runOf(lesson('adadelta-published'), { adadelta: 0.374, adadelta2: 0.971 })]));
    expect(answer.explanation).toContain('In this run Adadelta at lr 1 reached 97.1 % test accuracy');
    expect(answer.explanation).toContain('Adadelta at lr 0.001 reached 37.4 % test accuracy');
    expect(answer.explanation).toContain('ahead by 59.7 points');
    expect(answer.supported).toBe('published');
    expect(answered(lesson('adadelta-published').answer([runOf(lesson('adadelta-published'), { adadelta: 0.9, adadelta2: 0.895 })])).supported).toBe('same');
  });

  it('learning rate: names a diverged contestant as diverged, never with an accuracy, and picks the best of the rest', () => {
    const answer = answered(lesson('learning-rate-too-large').answer([runOf(lesson('learning-rate-too-large'), { sgd: 0.75, sgd2: 0.88, sgd3: 0.81, sgd4: 'diverged' })]));
    expect(answer.explanation).toContain('SGD at lr 10 diverged');
    expect(answer.explanation).toContain('The best was lr 0.1.');
    expect(answer.explanation).toContain('At 10 the steps were so large that the loss grew instead of falling.');
    expect(answer.supported).toBe('0.1');
    const allDiverged = answered(
      lesson('learning-rate-too-large').answer([runOf(lesson('learning-rate-too-large'), { sgd: 'diverged', sgd2: 'diverged', sgd3: 'diverged', sgd4: 'diverged' })]),
    );
    expect(allDiverged.explanation).toContain('None of them finished an epoch.');
    expect(allDiverged.supported).toBeNull();
  });

  it('momentum and epsilon: a diverged contestant loses the comparison', () => {
    expect(answered(lesson('momentum').answer([runOf(lesson('momentum'), { sgd: 0.7, sgd2: 'diverged' })])).supported).toBe('plain');
    const eps = answered(lesson('adam-epsilon').answer([runOf(lesson('adam-epsilon'), { adam: 0.92, adam2: 0.82, adam3: 0.07 })]));
    expect(eps.supported).toBe('large-slows');
    expect(eps.explanation).toContain('Adam with ε = 1 reached 7.0 %');
  });

  it('Adagrad: quotes its gains epoch by epoch', () => {
    const run = withHistory(runOf(lesson('adagrad-shrinking-steps'), { rmsprop: 0.92 }), 'adagrad', history([0.3, 0.5, 0.6]));
    const answer = answered(lesson('adagrad-shrinking-steps').answer([run]));
    expect(answer.explanation).toContain('rose by 20.0 points in epoch 2 and 10.0 points in epoch 3');
    expect(answer.supported).toBe('rmsprop');
  });

  it('the article: calls the top two too close when within a point, and names who diverged', () => {
    const close = answered(lesson('article').answer([runOf(lesson('article'), { adam: 0.975, rmsprop: 0.971, sgd: 0.93, adagrad: 0.9, adadelta: 'diverged' }, { seeds: 1 })]));
    expect(close.supported).toBe('close');
    expect(close.explanation).toContain('too close for one seed to separate');
    expect(close.explanation).toContain('Adadelta diverged.');
    expect(answered(lesson('article').answer([runOf(lesson('article'), { adam: 0.98, rmsprop: 0.95 }, { seeds: 1 })])).supported).toBe('adam');
  });

  it('says what is missing instead of answering: contestants not trained, or the second batch size', () => {
    const momentum = lesson('momentum');
    const withoutSgd2 = runOf(momentum, {});
    expect(momentum.answer([{ ...withoutSgd2, contestants: withoutSgd2.contestants.filter((c) => c.key !== 'sgd2') }])).toEqual({
      missing: "This run did not train sgd2; train the lesson's contestants to see the answer.",
    });
    const batch = lesson('batch-size-noise');
    expect(batch.answer([runOf(batch, {})])).toEqual({ missing: 'Train again with another batch size (say 512; this run used 16) to compare.' });
    const both = answered(batch.answer([runOf(batch, { sgd: 0.86 }), runOf(batch, { sgd: 0.2 }, { batchSize: 512 })]));
    expect(both.explanation).toContain('SGD at batch size 16 (625 steps) reached 86.0 %');
    expect(both.explanation).toContain('SGD at batch size 512 (20 steps) reached 20.0 %');
    expect(both.supported).toBe('small');
  });
});

describe('the article lesson over its 5 seeds', () => {
  /** Each contestant's five final accuracies, as the store records a several-seed run. */
  function fiveSeeds(finals: Record<string, number[]>): LessonRun {
    const run = runOf(lesson('article'), {});
    return { ...run, contestants: run.contestants.map((c) => ({ ...c, finals: finals[c.key] ?? [0.5, 0.5, 0.5, 0.5, 0.5], seeds: 5 })) };
  }

  it("answers with the table's sentence: Adam and RMSprop inside each other's spread are too close to separate", () => {
    const answer = answered(lesson('article').answer([fiveSeeds({ adam: [0.972, 0.974, 0.971, 0.975, 0.973], rmsprop: [0.973, 0.971, 0.976, 0.972, 0.974], sgd: [0.91, 0.909, 0.911, 0.908, 0.91] })]));
    expect(answer.explanation).toMatch(/^Final test accuracy, mean ± sample standard deviation over seeds \(n = 5 seeds each\): RMSprop 97\.32 % ± 0\.19, Adam 97\.30 % ± 0\.16\. The intervals \(mean ± 1 sd\) overlap/);
    expect(answer.explanation).toContain('Then, by their means, SGD 91.0 %');
    expect(answer.supported).toBe('close');
  });

  it('names a leader clear of the runner-up\'s spread, and leaves out diverged seeds', () => {
    const answer = answered(lesson('article').answer([fiveSeeds({ adam: [0.98, 0.981, 0.979, 0.98, 0.982], rmsprop: [0.95, 0.951, 0.949, 0.95] })]));
    expect(answer.explanation).toContain("1 of RMSprop's 5 seeds did not finish and is left out.");
    expect(answer.explanation).toContain('do not overlap: Adam leads');
    expect(answer.supported).toBe('adam');
  });
});
