/** The store's lesson: which one is open, the student's prediction, the runs trained since it opened, and whether the answer is shown. */
import { draftFromConfig } from '../experiment/draft';
import { lessonById, lessonRun, type LessonRun } from '../experiment/lessons';
import { decodeExperimentUrl } from '../experiment/urlState';
import type { StoreGet, StoreSet } from './playgroundStore';
import { combinedStatus, runLineup } from './runState';

export interface LessonProgress {
  lesson: string;
  /** The prediction's id, picked before training; null until then. */
  prediction: string | null;
  /** The lesson's runs, oldest first: live runs that started after it opened and finished at least one epoch. */
  runs: LessonRun[];
  answerShown: boolean;
  /** Runs up to this id started before the lesson opened. */
  afterRun: number;
}

export interface LessonActions {
  /** Sets the lesson's experiment (keeping what the instructor's link hides and locks, and presentation mode). */
  openLesson(id: string): void;
  leaveLesson(): void;
  predict(prediction: string): void;
  showAnswer(): void;
  /** Called when a run ends: a lesson's run is kept for its answer. */
  recordLessonRun(): void;
}

/** The lesson a page opened with (a `lesson=` link), or none. */
export function initialLessonProgress(lesson: string | null): LessonProgress | undefined {
  return lessonById(lesson) ? { lesson: lesson!, prediction: null, runs: [], answerShown: false, afterRun: 0 } : undefined;
}

/** At most this many runs are kept for an answer (the batch-size lesson compares two). */
const MAX_LESSON_RUNS = 6;

export function createLessons(set: StoreSet, get: StoreGet): LessonActions {
  return {
    openLesson: (id) => {
      const lesson = lessonById(id);
      if (!lesson) return;
      const { config, view } = decodeExperimentUrl(`?lesson=${lesson.id}`);
      const current = get().view;
      set({
        draft: draftFromConfig(config),
        view: { ...view, instructor: current.instructor, present: current.present },
        lessonProgress: { lesson: lesson.id, prediction: null, runs: [], answerShown: false, afterRun: get().run?.id ?? 0 },
      });
    },
    leaveLesson: () => set(({ view }) => ({ view: { ...view, lesson: null }, lessonProgress: undefined })),
    predict: (prediction) => {
      const progress = get().lessonProgress;
      if (progress && !progress.answerShown) set({ lessonProgress: { ...progress, prediction } });
    },
    showAnswer: () => {
      const progress = get().lessonProgress;
      if (progress?.runs.length) set({ lessonProgress: { ...progress, answerShown: true } });
    },
    recordLessonRun: () => {
      const { lessonProgress: progress, run, view } = get();
      if (!progress || view.lesson !== progress.lesson || !run || run.source !== 'live' || run.id <= progress.afterRun) return;
      const lineup = runLineup(run);
      if (!lineup.some((entry) => entry.state.history.length || entry.state.status === 'diverged')) return;
      const recorded = lessonRun(
        run.config,
        lineup.map(({ contestant, state, seeds }) => ({
          contestant,
          status: combinedStatus(seeds),
          history: state.history,
          finals: seeds.filter((s) => s.state.status !== 'diverged' && s.state.history.length).map((s) => s.state.history[s.state.history.length - 1].testAccuracy),
          seeds: seeds.length,
        })),
      );
      // A new run may change the answer: it is shown again on request.
      set({ lessonProgress: { ...progress, runs: [...progress.runs, recorded].slice(-MAX_LESSON_RUNS), answerShown: false } });
    },
  };
}
