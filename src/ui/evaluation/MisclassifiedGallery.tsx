import { useMemo } from 'react';
import type { MisclassifiedExample } from '../../train/protocol';
import { digitDataUrl } from './digitImage';
import { formatTop } from './evaluationView';

/** The test digits the contestant got wrong with the most confidence, each with its label, prediction and top probabilities. */
export function MisclassifiedGallery({ examples, mistakes }: { examples: readonly MisclassifiedExample[]; mistakes: number }) {
  const images = useMemo(() => examples.map((e) => digitDataUrl(e.pixels)), [examples]);
  return (
    <div className="misclassified">
      <h3>Misclassified test digits</h3>
      {examples.length ? (
        <>
          <p className="misclassified__note">
            The {examples.length} most confident of its {mistakes.toLocaleString('en-US')} mistakes.
          </p>
          <ul className="misclassified__list">
            {examples.map((example, i) => (
              <li key={example.index}>
                <figure>
                  <img src={images[i]} width={56} height={56} alt={`Test image ${example.index.toLocaleString('en-US')}, a handwritten ${example.label}`} />
                  <figcaption>
                    <span className="misclassified__verdict">
                      True {example.label} → predicted {example.predicted}
                    </span>
                    <span className="misclassified__top">{formatTop(example.top)}</span>
                  </figcaption>
                </figure>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>It got every test digit right.</p>
      )}
    </div>
  );
}
