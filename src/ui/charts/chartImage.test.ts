import { describe, expect, it } from 'vitest';
import { contestantStyle } from '../../experiment/contestants';
import { BASELINE_DASH, BASELINE_GREY } from '../../store/playgroundStore';
import { pngLegend } from './chartImage';

const lineup = [
  { key: 'sgd', name: 'SGD', style: contestantStyle(0) },
  { key: 'adam', name: 'Adam', style: contestantStyle(1) },
];

describe('pngLegend', () => {
  it('names the contestants the chart shows, in their colours and dashes', () => {
    expect(pngLegend(lineup, ['sgd'])).toEqual([{ label: 'Adam', color: contestantStyle(1).color, dash: contestantStyle(1).dash }]);
  });

  it('names a pinned baseline after them, so an exported image says what its ghost lines are', () => {
    expect(pngLegend(lineup, [], 'monday.json').map((item) => item.label)).toEqual(['SGD', 'Adam', 'Baseline: monday.json (faint dashed lines)']);
    expect(pngLegend(lineup, [], 'monday.json').at(-1)).toMatchObject({ color: BASELINE_GREY, dash: BASELINE_DASH });
  });
});
