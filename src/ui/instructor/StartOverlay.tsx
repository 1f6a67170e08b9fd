import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { lessonById } from '../../experiment/lessons';
import { usePlayground } from '../StoreContext';

/** Keys that move focus or leave, and modifiers alone: they never start training. */
const NOT_A_START = new Set(['Tab', 'Escape', 'Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'Enter', ' ']);

/**
 * `start=1`: the page opens with a modal dialog whose one big button trains. A click or
 * any key press (Esc closes it instead) asks to train; if MNIST is still loading, the
 * run starts the moment it is ready. Shown once per page load.
 */
export function StartOverlay({ canTrain }: { canTrain: boolean }) {
  const asked = usePlayground((s) => s.view.instructor.start);
  const dataStatus = usePlayground((s) => s.data.status);
  const lesson = usePlayground((s) => lessonById(s.view.lesson));
  const train = usePlayground((s) => s.train);
  const [state, setState] = useState<'open' | 'requested' | 'closed'>(asked ? 'open' : 'closed');
  const dialog = useRef<HTMLDialogElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  useEffect(() => {
    if (state === 'closed') return;
    if (!dialog.current?.open) dialog.current?.showModal();
    button.current?.focus();
  }, [state]);
  useEffect(() => {
    if (state === 'requested' && canTrain) {
      train();
      dialog.current?.close();
      setState('closed');
    }
  }, [state, canTrain, train]);

  if (state === 'closed') return null;
  const start = () => setState('requested');
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || NOT_A_START.has(event.key)) return;
    event.preventDefault();
    start();
  };
  return (
    <dialog ref={dialog} className="start-overlay" aria-labelledby={titleId} onKeyDown={onKeyDown} onClose={() => setState('closed')}>
      <h2 id={titleId}>{lesson ? lesson.title : 'Ready to train'}</h2>
      <p>{lesson ? lesson.question : 'This link trains its experiment as soon as you start it.'}</p>
      <button ref={button} type="button" className="primary start-overlay__start" onClick={start}>
        Start training
      </button>
      <p className="start-overlay__hint" role="status">
        {dataStatus === 'error'
          ? 'The dataset is not available, so training cannot start.'
          : state === 'requested'
            ? 'Training starts as soon as MNIST is ready…'
            : 'Press any key or click to start; Esc to look around first.'}
      </p>
    </dialog>
  );
}
