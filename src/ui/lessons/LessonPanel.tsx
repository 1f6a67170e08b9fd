import { useEffect, useId, useMemo } from 'react';
import { lessonById, type Lesson, type LessonRun } from '../../experiment/lessons';
import { usePlayground } from '../StoreContext';
import { LESSON_HEADING_ID } from './LessonsMenu';

/**
 * The open lesson: its question, the predictions to pick from before training, and after
 * a run `Show answer`, worded from that run's measurements (lessons.ts), saying whether the
 * prediction matched.
 */
export function LessonPanel() {
  const progress = usePlayground((s) => s.lessonProgress);
  const lessonId = usePlayground((s) => s.view.lesson);
  const lesson = lessonById(lessonId);
  const predict = usePlayground((s) => s.predict);
  const showAnswer = usePlayground((s) => s.showAnswer);
  const leaveLesson = usePlayground((s) => s.leaveLesson);
  const name = useId();
  const hintId = useId();
  if (!lesson || !progress || progress.lesson !== lesson.id) return null;
  const trained = progress.runs.length > 0;
  const chosen = lesson.predictions.find((p) => p.id === progress.prediction);
  return (
    <section className="panel lesson" aria-labelledby={LESSON_HEADING_ID}>
      <h2 id={LESSON_HEADING_ID} tabIndex={-1}>
        Lesson: {lesson.title}
      </h2>
      <fieldset className="lesson__predictions" disabled={trained}>
        <legend>{lesson.question}</legend>
        {lesson.predictions.map((prediction) => (
          <label key={prediction.id} className="check-field">
            <input type="radio" name={name} value={prediction.id} checked={progress.prediction === prediction.id} onChange={() => predict(prediction.id)} />
            {prediction.text}
          </label>
        ))}
      </fieldset>
      <p role="status" className="lesson__status">
        {chosen ? `Your prediction: ${chosen.text}. ` : trained ? 'You trained without a prediction. ' : 'Pick a prediction, then train. '}
        {trained && lesson.followUp && progress.runs.length === 1 ? lesson.followUp : ''}
      </p>
      <div className="lesson__actions">
        <button type="button" onClick={showAnswer} disabled={!trained} aria-describedby={trained ? undefined : hintId}>
          Show answer
        </button>
        {!trained && (
          <span id={hintId} className="lesson__hint">
            After a run.
          </span>
        )}
        <button type="button" className="link-button" onClick={leaveLesson}>
          Leave lesson
        </button>
      </div>
      {progress.answerShown && <LessonAnswerView lesson={lesson} runs={progress.runs} prediction={progress.prediction} />}
    </section>
  );
}

function LessonAnswerView({ lesson, runs, prediction }: { lesson: Lesson; runs: readonly LessonRun[]; prediction: string | null }) {
  const answer = useMemo(() => lesson.answer(runs), [lesson, runs]);
  const headingId = useId();
  useEffect(() => document.getElementById(headingId)?.focus(), [headingId]);
  if ('missing' in answer) {
    return (
      <div className="lesson__answer" role="region" aria-labelledby={headingId}>
        <h3 id={headingId} tabIndex={-1}>
          Not yet
        </h3>
        <p>{answer.missing}</p>
      </div>
    );
  }
  const supported = lesson.predictions.find((p) => p.id === answer.supported);
  const verdict = !supported
    ? 'This run does not single out one of the predictions.'
    : prediction === null
      ? `This run supports “${supported.text}”.`
      : prediction === supported.id
        ? `Your prediction matches this run: “${supported.text}”.`
        : `Your prediction does not match this run, which supports “${supported.text}”.`;
  return (
    <div className="lesson__answer" role="region" aria-labelledby={headingId}>
      <h3 id={headingId} tabIndex={-1}>
        Answer
      </h3>
      <p className="lesson__verdict">{verdict}</p>
      <p>{answer.explanation}</p>
    </div>
  );
}
