import type { ComponentType } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { ChartCandidate, ChartFrame, ChartSize } from './frame';

export interface ReactChartProps {
  frame: ChartFrame;
  size: ChartSize;
}

/**
 * A candidate that is a React component: one root per mount, each update a render of
 * the new frame, committed synchronously (flushSync) so that it lies inside the update's
 * task and the next frame paints it (a scheduled render might slip past the bench's wait).
 */
export function reactCandidate(name: string, Chart: ComponentType<ReactChartProps>): ChartCandidate {
  return {
    name,
    mount(container, size) {
      const root = createRoot(container);
      return {
        update: (frame) => flushSync(() => root.render(<Chart frame={frame} size={size} />)),
        destroy: () => root.unmount(),
      };
    },
  };
}
