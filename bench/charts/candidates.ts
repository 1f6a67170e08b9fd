/**
 * The chart benchmark's candidates by name (`?candidate=<name>`). To add one, write a
 * module exporting a `ChartCandidate` (frame.ts) and add a line here; `npm run bench`
 * measures every name in CHART_CANDIDATES (scripts/chartBench.ts). Loaded on demand, so
 * a page holds only the candidate it measures.
 */
import type { ChartCandidate } from './frame';

export const CANDIDATES: Record<string, () => Promise<ChartCandidate>> = {
  /** Draws nothing: what the measurement itself costs (the CDP calls, two idle frames). */
  empty: async () => ({ name: 'empty', mount: () => ({ update: () => {}, destroy: () => {} }) }),
  'hand-drawn-svg': async () => (await import('./handDrawn/handDrawnSvg')).handDrawnSvg,
  recharts: async () => (await import('./rechartsChart')).recharts,
  'd3-svg': async () => (await import('./d3Svg')).d3Svg,
  uplot: async () => (await import('./uplotChart')).uplot,
  'uplot-aligned': async () => (await import('./uplotChart')).uplotSharedAxis,
  /** The app's chart as it ships (src/ui/charts/UplotPlot.tsx). */
  app: async () => (await import('./appChart')).appChart,
};
