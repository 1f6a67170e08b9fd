import { describe, expect, it } from 'vitest';
import { trainingContestants } from '../experiment/config';
import { contestantKey } from '../experiment/contestants';
import { resolveDraft } from '../experiment/draft';
import { withAccess } from '../experiment/instructorControls';
import type { EpochMetrics } from '../experiment/metrics';
import { decodeExperimentUrl } from '../experiment/urlState';
import type { WorkerEvent } from '../train/protocol';
import { createPlaygroundStore } from './playgroundStore';

const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1 };
const metrics = (epoch: number, testAccuracy: number): EpochMetrics => ({ epoch, trainLoss: 0.5, trainAccuracy: 0.85, testLoss: 0.4, testAccuracy, seconds: 1, samplesPerSecond: 1000 });

function setup() {
  const store = createPlaygroundStore({ load() {}, train() {}, stop() {} });
  store.getState().handleEvent(READY);
  /** Trains the current draft to the end, every contestant at `accuracy` each epoch. */
  const trainToEnd = (accuracy: (key: string) => number) => {
    store.getState().train();
    const run = store.getState().run!;
    for (const contestant of trainingContestants(run.config)) {
      const key = contestantKey(contestant);
      for (let epoch = 1; epoch <= run.config.epochs; epoch++) store.getState().handleEvent({ type: 'epoch', runId: run.id, contestant: key, metrics: metrics(epoch, accuracy(key)) });
    }
    store.getState().handleEvent({ type: 'runFinished', runId: run.id, outcome: 'done' });
  };
  return { store, state: () => store.getState(), trainToEnd };
}

describe('the store’s lesson', () => {
  it('opens a lesson: its experiment in the form, the instructor’s hiding and locking kept, no prediction yet', () => {
    const { store, state } = setup();
    store.setState({ view: { ...state().view, instructor: withAccess(state().view.instructor, 'training', 'locked'), present: true } });
    state().openLesson('momentum');
    const config = resolveDraft(state().draft).config!;
    expect(trainingContestants(config).map(contestantKey)).toEqual(['sgd', 'sgd2']);
    expect(config.epochs).toBe(2);
    expect(state().view.lesson).toBe('momentum');
    expect(state().view.instructor.locked).toEqual(['training']);
    expect(state().view.present).toBe(true);
    expect(state().lessonProgress).toMatchObject({ lesson: 'momentum', prediction: null, runs: [], answerShown: false });
  });

  it('records the prediction, keeps the lesson’s finished runs, and shows the answer only after one', () => {
    const { state, trainToEnd } = setup();
    state().openLesson('momentum');
    state().showAnswer();
    expect(state().lessonProgress?.answerShown).toBe(false);
    state().predict('momentum');
    trainToEnd((key) => (key === 'sgd2' ? 0.89 : 0.75));
    const progress = state().lessonProgress!;
    expect(progress.prediction).toBe('momentum');
    expect(progress.runs).toHaveLength(1);
    expect(progress.runs[0].contestants.map((c) => [c.key, c.history.at(-1)?.testAccuracy])).toEqual([
      ['sgd', 0.75],
      ['sgd2', 0.89],
    ]);
    state().showAnswer();
    expect(state().lessonProgress?.answerShown).toBe(true);
    // A new run hides the answer again until asked: it may say something else.
    trainToEnd(() => 0.8);
    expect(state().lessonProgress?.runs).toHaveLength(2);
    expect(state().lessonProgress?.answerShown).toBe(false);
  });

  it('opens with the lesson of a `lesson=` link, and forgets it when the student leaves', () => {
    const { view } = decodeExperimentUrl('?lesson=adam-epsilon');
    const store = createPlaygroundStore({ load() {}, train() {}, stop() {} }, { view });
    expect(store.getState().lessonProgress?.lesson).toBe('adam-epsilon');
    store.getState().leaveLesson();
    expect(store.getState().lessonProgress).toBeUndefined();
    expect(store.getState().view.lesson).toBeNull();
  });

  it('does not count a run that started before the lesson opened', () => {
    const { state, store } = setup();
    state().train();
    const earlier = state().run!;
    state().openLesson('momentum');
    store.getState().handleEvent({ type: 'epoch', runId: earlier.id, contestant: 'sgd', metrics: metrics(1, 0.9) });
    store.getState().handleEvent({ type: 'runFinished', runId: earlier.id, outcome: 'done' });
    expect(state().lessonProgress?.runs).toEqual([]);
  });
});
