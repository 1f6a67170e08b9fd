import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ZoomRange } from '../../experiment/view';
import { alignSeries } from './chartData';
import { plotOptions, type PlotSpec } from './plotOptions';

export interface PlotHandle {
  /** The drawn canvas (axes and lines), for the PNG export. */
  canvas(): HTMLCanvasElement | undefined;
}

interface Props {
  spec: PlotSpec;
  zoom: ZoomRange | null;
  onZoom(zoom: ZoomRange | null): void;
  /** The X value under the shared cursor (mouse, touch, keyboard or another chart), or null. */
  onCursor(x: number | null): void;
  /** Names the plot for keyboard users; the readout next to it says what the cursor shows. */
  label: string;
  describedBy: string;
  handle?: (handle: PlotHandle | null) => void;
}

/** Moves the cursor as the mouse would, other charts following (uPlot's third, untyped argument publishes to the sync group). */
const moveCursor = (u: uPlot, position: { left: number; top: number }) =>
  (u.setCursor as (opts: { left: number; top: number }, fireHook?: boolean, publish?: boolean) => void)(position, true, true);

/** Keys that move the cursor, in steps of the data's X values. */
const CURSOR_STEPS: Record<string, (index: number, last: number) => number> = {
  ArrowLeft: (i) => i - 1,
  ArrowRight: (i) => i + 1,
  PageDown: (i) => i - 10,
  PageUp: (i) => i + 10,
  Home: () => 0,
  End: (_i, last) => last,
};

/**
 * One chart drawn by uPlot on a canvas. The instance is made again only when what is
 * drawn changes shape (other series, axis or scale type); new points are `setData`,
 * a zoom is `setScale`. Dragging across the plot zooms, double-click resets, and with
 * the keyboard the arrow keys move the cursor, + and - zoom around it and 0 resets.
 */
export const UplotPlot = memo(function UplotPlot({ spec, zoom, onZoom, onCursor, label, describedBy, handle }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoomRef = useRef(zoom);
  zoomRef.current = zoom;
  const callbacks = useRef({ onZoom, onCursor });
  callbacks.current = { onZoom, onCursor };
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const keyboardIndex = useRef<number | null>(null);

  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    const measure = () => {
      const width = Math.floor(element.clientWidth);
      const height = Math.floor(element.clientHeight);
      setSize((old) => (old && old.width === width && old.height === height ? old : { width, height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Series, axis or scale type changed: a new instance (cheap next to a redraw of the points).
  const shape = `${spec.title}|${spec.kind}|${spec.xAxis}|${spec.logScale}|${spec.xEnd}|${spec.presentation}|${spec.customX?.title}|${spec.series.map((s) => `${s.key}:${s.color}:${s.dash}`).join(',')}`;
  const specRef = useRef(spec);
  specRef.current = spec;
  useLayoutEffect(() => {
    const element = host.current;
    if (!element || !size || size.width <= 0) return;
    const hooks: uPlot.Hooks.Arrays = {
      setSelect: [
        (u) => {
          if (u.select.width < 4) return;
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (to > from) callbacks.current.onZoom([Math.max(specRef.current.customX?.range[0] ?? 0, from), to]);
        },
      ],
      setCursor: [
        (u) => {
          const index = u.cursor.idx;
          callbacks.current.onCursor(index === null || index === undefined || u.cursor.left === undefined || u.cursor.left < 0 ? null : (u.data[0][index] ?? null));
        },
      ],
    };
    const instance = new uPlot(plotOptions(specRef.current, size, () => zoomRef.current, hooks), alignSeries(specRef.current.series), element);
    instance.root.setAttribute('aria-hidden', 'true');
    const over = instance.over;
    const reset = () => callbacks.current.onZoom(null);
    over.addEventListener('dblclick', reset);
    plot.current = instance;
    handle?.({ canvas: () => instance.ctx.canvas });
    return () => {
      over.removeEventListener('dblclick', reset);
      handle?.(null);
      instance.destroy();
      plot.current = null;
    };
    // `spec` enters through `shape` (and specRef for its points); a new size is setSize below.
  }, [shape, size !== null]);

  useLayoutEffect(() => {
    if (plot.current && size) plot.current.setSize(size);
  }, [size]);

  useLayoutEffect(() => {
    plot.current?.setData(alignSeries(spec.series));
  }, [spec.series]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    // The range function reads the zoom; setScale makes uPlot ask it again.
    u.setScale('x', { min: zoom?.[0] ?? 0, max: zoom?.[1] ?? 1 });
  }, [zoom]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const u = plot.current;
    if (!u) return;
    const xs = Array.from(u.data[0]);
    if (event.key === 'Escape') {
      // Handled: Esc here hides the cursor, it does not also leave presentation mode.
      event.preventDefault();
      keyboardIndex.current = null;
      moveCursor(u, { left: -10, top: -10 });
      return;
    }
    if (event.key === '0') {
      onZoom(null);
      event.preventDefault();
      return;
    }
    const [min, max] = [u.scales.x.min ?? 0, u.scales.x.max ?? 1];
    if (event.key === '+' || event.key === '=' || event.key === '-') {
      const centre = keyboardIndex.current !== null ? xs[keyboardIndex.current] : (min + max) / 2;
      const half = ((max - min) / 2) * (event.key === '-' ? 2 : 0.5);
      onZoom(event.key === '-' && !zoom ? null : [Math.max(spec.customX?.range[0] ?? 0, centre - half), centre + half]);
      event.preventDefault();
      return;
    }
    const step = CURSOR_STEPS[event.key];
    if (!step || !xs.length) return;
    event.preventDefault();
    // Start from the first visible point, then walk the points in view.
    const visible: [x: number, index: number][] = [];
    xs.forEach((x, i) => x >= min && x <= max && visible.push([x, i]));
    if (!visible.length) return;
    const current = visible.findIndex(([, i]) => i === keyboardIndex.current);
    const next = current < 0 ? (event.key === 'ArrowLeft' || event.key === 'End' ? visible.length - 1 : 0) : Math.min(visible.length - 1, Math.max(0, step(current, visible.length - 1)));
    const index = visible[next][1];
    keyboardIndex.current = index;
    moveCursor(u, { left: u.valToPos(xs[index], 'x'), top: u.bbox.height / devicePixelRatio / 2 });
  };

  return (
    <div
      className="uplot-host"
      ref={host}
      tabIndex={0}
      role="group"
      aria-label={label}
      aria-describedby={describedBy}
      onKeyDown={onKeyDown}
      onBlur={() => (keyboardIndex.current = null)}
    />
  );
});
