import { useCallback } from 'react';
import type { ZoomRange } from '../../experiment/view';
import { useControlAccess } from '../instructor/InstructorGate';
import { usePlayground } from '../StoreContext';

/**
 * The X zoom every training chart shares (in the view, so in the link), and how a chart
 * names its keys. Zoom is one of the chart options an instructor's link can lock, with
 * Reset zoom: then drags, double-clicks and keys change nothing, and the label says no
 * more than the keys that still work.
 */
export function useChartZoom(title: string): { onZoom(zoom: ZoomRange | null): void; label: string } {
  const setView = usePlayground((s) => s.setView);
  const zoomable = useControlAccess('charts') === 'shown';
  const onZoom = useCallback((zoom: ZoomRange | null) => zoomable && setView({ zoom }), [setView, zoomable]);
  return { onZoom, label: `${title} chart: arrow keys read the values${zoomable ? ', + and - zoom, 0 resets' : ''}` };
}
