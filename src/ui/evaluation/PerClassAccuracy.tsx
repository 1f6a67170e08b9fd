import { formatPercent } from '../format';
import { perClassAccuracy } from './evaluationView';

/** Each digit's share of its test examples predicted right, as text and as a bar. */
export function PerClassAccuracy({ confusion }: { confusion: readonly number[] }) {
  return (
    <div className="class-accuracy">
      <h3>Per-class accuracy</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Digit</th>
            <th scope="col">Right</th>
            <th scope="col">Accuracy</th>
          </tr>
        </thead>
        <tbody>
          {perClassAccuracy(confusion).map(({ digit, correct, total, accuracy }) => (
            <tr key={digit}>
              <th scope="row">{digit}</th>
              <td>
                {correct.toLocaleString('en-US')} of {total.toLocaleString('en-US')}
              </td>
              <td className="class-accuracy__value">
                <span className="class-accuracy__bar" aria-hidden="true">
                  <span style={{ width: `${Number.isFinite(accuracy) ? accuracy * 100 : 0}%` }} />
                </span>
                {formatPercent(accuracy, 1)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
