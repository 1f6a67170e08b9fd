/**
 * The chart benchmark's one interface: every candidate draws the same `ChartFrame`
 * into a container of the same size. Adding a candidate is one module exporting a
 * `ChartCandidate` and one line in `candidates.ts`.
 */

/** One line, in data coordinates (x in epochs). */
export interface FrameSeries {
  label: string;
  x: number[];
  y: number[];
  color: string;
  /** SVG stroke-dasharray ("10 4 2 4"); '' is solid. */
  dash: string;
  /** Stroke width in CSS px. */
  width: number;
  /** Stroke opacity, 0-1. */
  opacity: number;
  /** Radius in CSS px of a dot at every point; 0 for none (only the short per-epoch lines have dots). */
  marker: number;
}

/** A filled band between two curves sharing one x array (a seed band around a smoothed line). */
export interface FrameBand {
  label: string;
  x: number[];
  upper: number[];
  lower: number[];
  color: string;
  /** Fill opacity, 0-1. */
  opacity: number;
}

export interface ChartFrame {
  /** Bands draw first, under every line. */
  bands: FrameBand[];
  /** In drawing order. */
  series: FrameSeries[];
  /** Fixed for a whole run (the planned epochs), as the app's x axis is. */
  xDomain: [number, number];
  xLabel: string;
}

export interface ChartSize {
  width: number;
  height: number;
}

export interface MountedChart {
  /**
   * Draws the frame. React candidates commit synchronously (flushSync) so that the
   * frame after this call paints the update and the bench's two-frame wait covers it.
   */
  update(frame: ChartFrame): void;
  destroy(): void;
}

export interface ChartCandidate {
  name: string;
  mount(container: HTMLElement, size: ChartSize): MountedChart;
}
