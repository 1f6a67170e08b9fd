import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { LESSONS } from '../../experiment/lessons';
import { usePlayground } from '../StoreContext';

/** A lesson's own link: what the menu's entries point to, and what an instructor shares. */
export const lessonHref = (id: string) => `?v=2&lesson=${id}`;

/**
 * The Lessons menu: a disclosure button over a list of links, one per lesson. A click
 * opens the lesson in place (no reload; the dataset stays loaded); the link itself still
 * opens it in a new tab, or can be copied.
 */
export function LessonsMenu() {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const openLesson = usePlayground((s) => s.openLesson);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open) return;
    // Esc closes the menu, not presentation mode.
    event.preventDefault();
    close();
  };
  return (
    <div
      className="lessons-menu"
      onKeyDown={onKeyDown}
      // Focus leaving the menu (a click elsewhere, Tab past the last lesson) closes it.
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setOpen(false);
      }}
    >
      <button ref={button} type="button" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>
        Lessons
      </button>
      {open && (
        <ul id={listId} className="lessons-menu__list" aria-label="Lessons">
          {LESSONS.map((lesson) => (
            <li key={lesson.id}>
              <a
                href={lessonHref(lesson.id)}
                onClick={(event) => {
                  if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  // Rendered at once, so that focus can move to the lesson's heading.
                  flushSync(() => {
                    openLesson(lesson.id);
                    setOpen(false);
                  });
                  document.getElementById(LESSON_HEADING_ID)?.focus();
                }}
              >
                {lesson.title}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The lesson panel's heading: focus lands there when a lesson opens from the menu. */
export const LESSON_HEADING_ID = 'lesson-heading';
