import { scaleLinear } from 'd3-scale';
import { interpolateGreys } from 'd3-scale-chromatic';
import { useId, useMemo, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import type { ContestantStyle } from '../../experiment/contestants';
import type { Trajectory } from '../../experiment/lab';
import { SURFACES, type Point, type SurfaceId } from '../../experiment/surfaces';
import { contourBands } from './contours';

const SIZE = 400;
const MARGIN = { left: 34, right: 8, top: 8, bottom: 26 };

export interface PlotLine {
  trajectory: Trajectory;
  name: string;
  style: ContestantStyle;
}

interface Props {
  surface: SurfaceId;
  kappa: number;
  lines: readonly PlotLine[];
  /** Steps shown. */
  iteration: number;
  start: Point;
  /** A new start; `done` false while a drag goes on (the caller may keep it out of the link until the drag ends). */
  onStart(point: Point, done: boolean): void;
  /** Id of the text that describes the plot (its caption). */
  describedBy: string;
}

const fmt = (v: number) => String(Number(v.toFixed(3)));

/**
 * The surface's filled contours (log-spaced levels), its minima, each contestant's
 * path up to the current step with its current point, and the start point, which
 * a pointer (mouse, pen, touch) drags or places with a press anywhere on the plot,
 * and the arrow keys move when it has focus.
 */
export function ContourPlot({ surface: id, kappa, lines, iteration, start, onStart, describedBy }: Props) {
  const surface = SURFACES[id];
  const clipId = `${useId()}-clip`;
  const svg = useRef<SVGSVGElement>(null);
  const dragging = useRef(false);
  const last = useRef<Point | null>(null);
  const x = useMemo(() => scaleLinear().domain(surface.window.x).range([MARGIN.left, SIZE - MARGIN.right]), [surface]);
  const y = useMemo(() => scaleLinear().domain(surface.window.y).range([SIZE - MARGIN.bottom, MARGIN.top]), [surface]);
  // Recomputed only when the surface or κ changes, never per frame.
  const bands = useMemo(() => contourBands(id, kappa, x, y), [id, kappa, x, y]);

  const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));
  const place = (event: PointerEvent<SVGSVGElement>, done: boolean) => {
    const element = svg.current;
    const matrix = element?.getScreenCTM();
    if (!element || !matrix) return;
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    last.current = { x: clamp(x.invert(p.x), surface.window.x), y: clamp(y.invert(p.y), surface.window.y) };
    onStart(last.current, done);
  };
  const endDrag = (event: PointerEvent<SVGSVGElement>, cancelled: boolean) => {
    if (!dragging.current) return;
    dragging.current = false;
    if (!cancelled) place(event, true);
    else if (last.current) onStart(last.current, true);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const stepX = (surface.window.x[1] - surface.window.x[0]) / 50;
    const stepY = (surface.window.y[1] - surface.window.y[0]) / 50;
    const move: Record<string, [number, number]> = { ArrowLeft: [-stepX, 0], ArrowRight: [stepX, 0], ArrowUp: [0, stepY], ArrowDown: [0, -stepY] };
    const delta = move[event.key];
    if (!delta) return;
    event.preventDefault();
    onStart({ x: clamp(start.x + delta[0], surface.window.x), y: clamp(start.y + delta[1], surface.window.y) }, true);
  };

  // Each path's points text grows by the new steps only: playback's frames cost what they add, not the whole path.
  const drawn = useRef(new WeakMap<Trajectory, { x: typeof x; y: typeof y; count: number; text: string }>());
  const paths = lines.map(({ trajectory }) => {
    const last = Math.min(iteration, trajectory.xs.length - 1);
    let cached = drawn.current.get(trajectory);
    if (!cached || cached.x !== x || cached.y !== y || cached.count > last + 1) cached = { x, y, count: 0, text: '' };
    for (let i = cached.count; i <= last; i++) cached.text += `${x(trajectory.xs[i]).toFixed(1)},${y(trajectory.ys[i]).toFixed(1)} `;
    cached.count = last + 1;
    drawn.current.set(trajectory, cached);
    return { points: cached.text, head: { x: x(trajectory.xs[last]), y: y(trajectory.ys[last]) } };
  });

  return (
    <svg
      ref={svg}
      className="lab-plot"
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      role="group"
      aria-roledescription="contour plot"
      aria-label={`${surface.label} contour plot`}
      aria-describedby={describedBy}
      data-testid="lab-plot"
      onPointerDown={(event) => {
        if (event.button !== 0) return;
        dragging.current = true;
        event.currentTarget.setPointerCapture(event.pointerId);
        place(event, false);
      }}
      onPointerMove={(event) => dragging.current && place(event, false)}
      onPointerUp={(event) => endDrag(event, false)}
      onPointerCancel={(event) => endDrag(event, true)}
    >
      <defs>
        <clipPath id={clipId}>
          <rect x={MARGIN.left} y={MARGIN.top} width={SIZE - MARGIN.left - MARGIN.right} height={SIZE - MARGIN.top - MARGIN.bottom} />
        </clipPath>
      </defs>
      <g aria-hidden="true">
        <rect x={MARGIN.left} y={MARGIN.top} width={SIZE - MARGIN.left - MARGIN.right} height={SIZE - MARGIN.top - MARGIN.bottom} fill={interpolateGreys(0.02)} />
        <g clipPath={`url(#${clipId})`} data-testid="lab-contours" data-levels={bands.length}>
          {bands.map((band) => (
            <path key={band.level} d={band.d} fill={interpolateGreys(0.04 + 0.3 * band.t)} stroke="#8a8d93" strokeWidth={0.5} />
          ))}
        </g>
        {x.ticks(5).map((t) => (
          <text key={`x${t}`} x={x(t)} y={SIZE - 8} textAnchor="middle" className="lab-plot__tick">
            {t}
          </text>
        ))}
        {y.ticks(5).map((t) => (
          <text key={`y${t}`} x={MARGIN.left - 4} y={y(t) + 4} textAnchor="end" className="lab-plot__tick">
            {t}
          </text>
        ))}
        {surface.minima.map((m) => (
          <g key={m.label} transform={`translate(${x(m.x)},${y(m.y)})`} className="lab-plot__minimum">
            <path d="M-5,-5L5,5M-5,5L5,-5" stroke="#111" strokeWidth={2} />
            <text x={x(m.x) > SIZE / 2 ? -8 : 8} y={-8} textAnchor={x(m.x) > SIZE / 2 ? 'end' : 'start'}>
              {m.label}
            </text>
          </g>
        ))}
        <g clipPath={`url(#${clipId})`}>
          {lines.map(({ trajectory, style }, i) => (
            <g key={trajectory.key} data-testid={`lab-path-${trajectory.key}`} data-points={Math.min(iteration, trajectory.xs.length - 1) + 1}>
              <polyline points={paths[i].points} fill="none" stroke={style.color} strokeWidth={2} strokeDasharray={style.dash || undefined} strokeLinejoin="round" />
              <circle cx={paths[i].head.x} cy={paths[i].head.y} r={4.5} fill={style.color} stroke="#fff" strokeWidth={1.5} />
            </g>
          ))}
        </g>
      </g>
      <g
        className="lab-plot__start"
        role="button"
        tabIndex={0}
        aria-label={`Start point (${fmt(start.x)}, ${fmt(start.y)}): drag it, or move it with the arrow keys`}
        onKeyDown={onKeyDown}
        transform={`translate(${x(start.x)},${y(start.y)})`}
        data-testid="lab-start"
      >
        {/* A larger transparent disc: an easier target for a finger. */}
        <circle r={16} fill="transparent" />
        <circle r={7} fill="#fff" stroke="#111" strokeWidth={2.5} />
      </g>
    </svg>
  );
}
