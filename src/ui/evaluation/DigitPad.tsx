import { useId, useMemo, useRef, useState, type PointerEvent } from 'react';
import type { LineupEntry } from '../../store/playgroundStore';
import { ContestantSwatch } from '../ContestantSwatch';
import { usePlayground } from '../StoreContext';
import { digitDataUrl } from './digitImage';
import { formatProbability, formatTop, rankDigits } from './evaluationView';
import { DRAW_FIRST, preprocessDrawing } from './preprocess';

/** The canvas's own pixels; CSS scales it to the space there is. */
const SIDE = 280;
/** About MNIST's stroke once the digit is scaled to its 20 px box (a digit ~200 px tall here). */
const BRUSH = 22;

/**
 * Draw a digit with the mouse, a pen or a finger (Pointer Events; `touch-action: none`
 * keeps the page from scrolling under the finger). After each stroke the drawing is
 * prepared as MNIST's digits were and every contestant's prediction is asked for.
 */
export function DigitPad({ contestants }: { contestants: readonly LineupEntry[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const stroke = useRef<{ pointer: number; x: number; y: number } | null>(null);
  const [hint, setHint] = useState<string | undefined>();
  const [seen, setSeen] = useState<Float32Array | undefined>();
  const prediction = usePlayground((s) => s.digitPrediction);
  const predictDigit = usePlayground((s) => s.predictDigit);
  const clearPrediction = usePlayground((s) => s.clearDigitPrediction);
  const hintId = useId();
  const seenUrl = useMemo(() => (seen ? digitDataUrl(seen, 1) : undefined), [seen]);
  const names = useMemo(() => new Map(contestants.map((c) => [c.key, c])), [contestants]);

  const context = () => {
    const ctx = canvas.current?.getContext('2d', { willReadFrequently: true });
    if (ctx) {
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.lineWidth = BRUSH;
      ctx.strokeStyle = '#000';
      ctx.fillStyle = '#000';
    }
    return ctx;
  };
  const point = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * SIDE) / box.width, y: ((event.clientY - box.top) * SIDE) / box.height };
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    const { x, y } = point(event);
    stroke.current = { pointer: event.pointerId, x, y };
    const ctx = context();
    ctx?.beginPath();
    ctx?.arc(x, y, BRUSH / 2, 0, 2 * Math.PI);
    ctx?.fill();
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const last = stroke.current;
    if (!last || last.pointer !== event.pointerId) return;
    const ctx = context();
    if (!ctx) return;
    // Coalesced events: every sample of a fast stroke, not one per frame.
    const samples = event.nativeEvent.getCoalescedEvents?.().length ? event.nativeEvent.getCoalescedEvents() : [event.nativeEvent];
    const box = event.currentTarget.getBoundingClientRect();
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    for (const sample of samples) {
      last.x = ((sample.clientX - box.left) * SIDE) / box.width;
      last.y = ((sample.clientY - box.top) * SIDE) / box.height;
      ctx.lineTo(last.x, last.y);
    }
    ctx.stroke();
  };
  const onPointerEnd = (event: PointerEvent<HTMLCanvasElement>) => {
    if (stroke.current?.pointer !== event.pointerId) return;
    stroke.current = null;
    submit();
  };

  const submit = () => {
    const ctx = context();
    if (!ctx) return;
    const { data } = ctx.getImageData(0, 0, SIDE, SIDE);
    // Ink is the alpha channel: the canvas is transparent where nothing is drawn.
    const ink = new Float32Array(SIDE * SIDE);
    for (let i = 0; i < ink.length; i++) ink[i] = data[i * 4 + 3] / 255;
    const pixels = preprocessDrawing(ink, SIDE, SIDE);
    setSeen(pixels ?? undefined);
    if (!pixels) {
      setHint(DRAW_FIRST);
      clearPrediction();
      return;
    }
    setHint(undefined);
    predictDigit(pixels);
  };

  const clear = () => {
    context()?.clearRect(0, 0, SIDE, SIDE);
    stroke.current = null;
    setSeen(undefined);
    setHint(undefined);
    clearPrediction();
  };

  const results = prediction?.results;
  const status =
    hint ?? (prediction?.status === 'failed' ? prediction.message : prediction?.status === 'loading' && !results ? 'Predicting…' : results ? undefined : 'Draw a digit in the box; every contestant says what it sees.');
  return (
    <div className="digit-pad">
      <h3>Draw a digit</h3>
      <div className="digit-pad__body">
        <div className="digit-pad__drawing">
          <canvas
            ref={canvas}
            width={SIDE}
            height={SIDE}
            role="img"
            aria-label="Draw a digit"
            aria-describedby={hintId}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerEnd}
            onPointerCancel={onPointerEnd}
          />
          <p id={hintId} className="digit-pad__hint">
            Draw with the mouse, a pen or a finger. It is scaled to 20 pixels and centred by its mass in 28 × 28, as MNIST's digits were.
          </p>
          <div className="digit-pad__tools">
            <button type="button" onClick={clear}>
              Clear
            </button>
            {seenUrl && <img className="digit-pad__seen" src={seenUrl} width={56} height={56} alt="Your digit as the networks see it, 28 by 28 pixels" />}
          </div>
        </div>
        <div className="digit-pad__results">
          <p role="status" className="digit-pad__status">
            {status}
          </p>
          {results && (
            <ul className="predictions" aria-label="Predictions">
              {results.map((r) => {
                const entry = names.get(r.contestant);
                const top = rankDigits(r.probabilities);
                return (
                  <li key={r.contestant}>
                    {entry && <ContestantSwatch style={entry.style} />}
                    <span className="predictions__name">{entry?.name ?? r.contestant}</span>
                    <span className="predictions__digit" aria-label={`predicts ${top[0].digit}`}>
                      {top[0].digit}
                    </span>
                    <span className="predictions__top">
                      <span className="visually-hidden">, </span>
                      {formatTop(top)}
                    </span>
                    <span className="predictions__bars" aria-hidden="true">
                      {r.probabilities.map((p, digit) => (
                        <span key={digit} title={`${digit}: ${formatProbability(p)}`}>
                          <span style={{ height: `${Math.max(2, p * 100)}%` }} />
                          <small>{digit}</small>
                        </span>
                      ))}
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}
