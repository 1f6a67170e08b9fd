import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { RATE_FINDER, type RateFinderPoint, type RateSuggestion } from '../../experiment/lrFinder';
import type { RateFinderState } from '../../store/playgroundStore';
import { usePlayground } from '../StoreContext';

const formatRate = (rate: number) => (rate < 0.001 || rate >= 1000 ? rate.toExponential(1).replace('e', ' × 10^').replace('+', '') : String(Number(rate.toPrecision(3))));

/** The sweep's state in a sentence (read out as it changes). */
export function rateFinderStatus(finder: RateFinderState): string {
  const last = finder.points.at(-1);
  if (finder.status === 'failed') return finder.message ?? 'The sweep failed.';
  if (finder.status === 'running') return last ? `Sweeping: batch ${finder.points.length} of ${RATE_FINDER.steps}, learning rate ${formatRate(last.rate)}, smoothed loss ${last.smoothed.toFixed(3)}.` : 'Starting the sweep…';
  if (finder.end === 'cancelled') return `Cancelled after ${finder.points.length} batches; a partial sweep suggests no rate.`;
  const ended = finder.end === 'divergence' ? `Stopped where the loss blew up, at learning rate ${formatRate(last?.rate ?? 0)}` : `Swept to learning rate ${RATE_FINDER.maxRate}`;
  return `${ended}. ${finder.suggestion ? `Suggested learning rate: ${formatRate(finder.suggestion.rate)} (${finder.suggestion.rule}).` : 'The loss never fell, so there is no suggestion.'}`;
}

/** The Learning-rate finder of one contestant: smoothed loss against a log rate axis, the suggestion marked, `Use this rate`. */
export function RateFinderPanel({ finder, name, color }: { finder: RateFinderState; name: string; color: string }) {
  const cancel = usePlayground((s) => s.cancelRateFinder);
  const close = usePlayground((s) => s.closeRateFinder);
  const use = usePlayground((s) => s.useFoundRate);
  return (
    <section className="rate-finder" aria-label={`${name} learning-rate finder`}>
      <h3>Learning-rate finder</h3>
      <p className="rate-finder__what">
        Trains {name} from the shared initial weights with its other settings, raising the rate from 10<sup>−7</sup> to {RATE_FINDER.maxRate} over up to {RATE_FINDER.steps} batches (Smith, 2017).
      </p>
      <SweepPlot points={finder.points} suggestion={finder.suggestion} color={color} />
      <p className="rate-finder__status" role="status">
        {rateFinderStatus(finder)}
      </p>
      <div className="rate-finder__actions">
        {finder.status === 'running' && (
          <button type="button" className="small-button" onClick={cancel}>
            Cancel
          </button>
        )}
        {finder.suggestion && (
          <button type="button" className="small-button" onClick={use}>
            Use this rate
          </button>
        )}
        {finder.status !== 'running' && (
          <button type="button" className="small-button" onClick={close}>
            Close
          </button>
        )}
      </div>
    </section>
  );
}

/** uPlot on a log rate axis: the raw losses faint, the smoothed loss, the suggestion as a vertical line. */
function SweepPlot({ points, suggestion, color }: { points: readonly RateFinderPoint[]; suggestion?: RateSuggestion; color: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const marked = useRef<number | undefined>(undefined);
  marked.current = suggestion?.rate;
  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: 180,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, distr: 3, log: 10, range: [RATE_FINDER.minRate, RATE_FINDER.maxRate] }, y: { range: (_u, min, max) => [Math.max(0, min), Math.min(max, 2 * Math.max(min, 0.5) + 2)] } },
      axes: [
        { label: 'learning rate (log)', labelSize: 24, size: 36, values: (_u, splits) => splits.map((v) => (v === null ? '' : `1e${Math.round(Math.log10(v))}`)) },
        { size: 44, values: (_u, splits) => splits.map((v) => (v === null ? '' : String(Number(v.toPrecision(2))))) },
      ],
      series: [{}, { stroke: 'rgba(0,0,0,0.2)', width: 1 }, { stroke: color, width: 2 }],
      hooks: {
        draw: [
          (u) => {
            if (marked.current === undefined) return;
            const x = u.valToPos(marked.current, 'x', true);
            const { ctx } = u;
            ctx.save();
            ctx.strokeStyle = '#000';
            ctx.setLineDash([4, 3]);
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    plot.current = new uPlot(options, [[], [], []], element);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [color]);
  useEffect(() => {
    plot.current?.setData([points.map((p) => p.rate), points.map((p) => p.loss), points.map((p) => p.smoothed)]);
  }, [points, suggestion]);
  return <div ref={host} className="rate-finder__plot" aria-hidden="true" data-points={points.length} data-suggestion={suggestion?.rate ?? ''} />;
}
