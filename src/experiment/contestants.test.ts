import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARTICLE_OPTIMIZERS,
  compareContestants,
  CONTESTANT_COLORS,
  CONTESTANT_DASHES,
  contestantKey,
  contestantName,
  contestantStyle,
  defaultContestants,
  MAX_CONTESTANTS,
  MAX_PER_OPTIMIZER,
  nextOrdinal,
  parseContestantKey,
  sortContestants,
  type ContestantRef,
} from './contestants';
import { trainingContestants } from './config';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from './optimizers';

const ref = (optimizer: ContestantRef['optimizer'], ordinal = 1): ContestantRef => ({ optimizer, ordinal });

describe('contestant keys and names', () => {
  it('names the first of an optimizer after it, later ones with their number', () => {
    expect(contestantKey(ref('adam'))).toBe('adam');
    expect(contestantKey(ref('adam', 2))).toBe('adam2');
    expect(contestantKey(ref('rmsprop', 12))).toBe('rmsprop12');
    expect(contestantName(ref('adam'))).toBe('Adam');
    expect(contestantName(ref('adam', 2))).toBe('Adam 2');
    expect(contestantName(ref('sgd', 10))).toBe('SGD 10');
    expect(contestantName(ref('rmsprop'))).toBe(OPTIMIZERS.rmsprop.label);
  });

  it('parses every key it writes back to the same contestant', () => {
    for (const optimizer of OPTIMIZER_IDS) {
      for (let ordinal = 1; ordinal <= MAX_PER_OPTIMIZER; ordinal++) {
        expect(parseContestantKey(contestantKey({ optimizer, ordinal }))).toEqual({ optimizer, ordinal });
      }
    }
  });

  it.each([
    'adam1', // the first Adam is "adam", never "adam1"
    'adam0',
    'adam13', // past MAX_PER_OPTIMIZER
    'adam02',
    'adam 2',
    'adam-2',
    'Adam',
    'ADAM2',
    'nosuchopt', // no such optimizer in the catalog
    'nosuchopt2',
    'nadam1',
    'nadam13',
    '',
    '2',
    'adam2x',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'adam.lr',
    ' adam',
    'adam\u200b',
    'adam2'.repeat(20),
  ])('refuses %j', (key) => {
    expect(parseContestantKey(key)).toBeUndefined();
  });

  it('refuses any string that is not a key it writes (property)', () => {
    const valid = new Set(OPTIMIZER_IDS.flatMap((optimizer) => Array.from({ length: MAX_PER_OPTIMIZER }, (_, i) => contestantKey({ optimizer, ordinal: i + 1 }))));
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...OPTIMIZER_IDS).chain((id) => fc.integer({ min: -5, max: 200 }).map((n) => `${id}${n}`))),
        (key) => {
          const parsed = parseContestantKey(key);
          expect(parsed !== undefined).toBe(valid.has(key));
          if (parsed) expect(contestantKey(parsed)).toBe(key);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('order', () => {
  it('sorts by catalog order, then by number', () => {
    const scrambled = [ref('rmsprop'), ref('adam', 3), ref('sgd', 2), ref('adam'), ref('adam', 2), ref('sgd'), ref('adam', 10)];
    expect(sortContestants(scrambled).map(contestantKey)).toEqual(['sgd', 'sgd2', 'adam', 'adam2', 'adam3', 'adam10', 'rmsprop']);
    // A copy: the input keeps its order.
    expect(scrambled[0]).toEqual(ref('rmsprop'));
    expect(compareContestants(ref('adam', 2), ref('adam', 2))).toBe(0);
    expect(compareContestants(ref('sgd', 12), ref('adam'))).toBeLessThan(0);
    expect(compareContestants(ref('adam', 2), ref('adam', 10))).toBeLessThan(0);
  });

  it('keeps the other fields of what it sorts', () => {
    const sorted = sortContestants([{ ...ref('adam', 2), selected: true }, { ...ref('adam'), selected: false }]);
    expect(sorted).toEqual([{ ...ref('adam'), selected: false }, { ...ref('adam', 2), selected: true }]);
  });
});

describe('nextOrdinal', () => {
  it('is 2 for an optimizer that has only its first contestant (or none)', () => {
    expect(nextOrdinal([ref('adam')], 'adam')).toBe(2);
    expect(nextOrdinal([], 'adam')).toBe(2);
    expect(nextOrdinal([ref('sgd'), ref('sgd', 2)], 'adam')).toBe(2);
  });

  it('counts on past the numbers taken, and fills the first gap', () => {
    expect(nextOrdinal([ref('adam'), ref('adam', 2)], 'adam')).toBe(3);
    expect(nextOrdinal([ref('adam'), ref('adam', 2), ref('adam', 4)], 'adam')).toBe(3);
    expect(nextOrdinal([ref('adam'), ref('adam', 3)], 'adam')).toBe(2);
  });

  it('goes past MAX_PER_OPTIMIZER when every number is taken (callers check the cap)', () => {
    const all = Array.from({ length: MAX_PER_OPTIMIZER }, (_, i) => ref('adam', i + 1));
    expect(nextOrdinal(all, 'adam')).toBe(MAX_PER_OPTIMIZER + 1);
  });
});

describe('defaultContestants', () => {
  it('has one contestant per optimizer at Keras defaults, the article five selected, in catalog order', () => {
    const contestants = defaultContestants();
    expect(contestants.map(contestantKey)).toEqual([...OPTIMIZER_IDS]);
    for (const c of contestants) {
      expect(c.ordinal).toBe(1);
      expect(c.hyperparameters).toEqual(optimizerDefaults(c.optimizer));
      expect(c.selected).toBe(ARTICLE_OPTIMIZERS.includes(c.optimizer));
    }
    expect(trainingContestants({ contestants }).map((c) => c.optimizer)).toEqual([...ARTICLE_OPTIMIZERS]);
    expect(ARTICLE_OPTIMIZERS).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
  });

  it('returns fresh objects each time', () => {
    const first = defaultContestants();
    first[1].hyperparameters.learningRate = 5;
    first[0].selected = false;
    const second = defaultContestants();
    expect(second[1].hyperparameters.learningRate).toBe(0.001);
    expect(second[0].selected).toBe(true);
  });
});

describe('contestantStyle', () => {
  it('gives the first eight contestants eight solid colours, the article five their long-standing ones', () => {
    expect(CONTESTANT_COLORS).toHaveLength(8);
    expect(new Set(CONTESTANT_COLORS).size).toBe(8);
    for (let i = 0; i < 8; i++) expect(contestantStyle(i)).toEqual({ color: CONTESTANT_COLORS[i], dash: '' });
    // The article's five keep the colours they had before contestants: SGD blue, Adam vermillion, Adagrad green, Adadelta purple, RMSprop ochre.
    expect([0, 1, 2, 3, 4].map((i) => contestantStyle(i).color)).toEqual(['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8C6D00']);
  });

  it('dashes the lines once the colours run out', () => {
    for (let i = 8; i < 16; i++) {
      expect(contestantStyle(i)).toEqual({ color: CONTESTANT_COLORS[i - 8], dash: CONTESTANT_DASHES[1] });
      expect(contestantStyle(i).dash).not.toBe('');
    }
    expect(contestantStyle(16).dash).toBe(CONTESTANT_DASHES[2]);
  });

  it('gives every contestant of a full run a style of its own', () => {
    const styles = Array.from({ length: MAX_CONTESTANTS }, (_, i) => contestantStyle(i));
    expect(new Set(styles.map((s) => `${s.color} ${s.dash}`)).size).toBe(MAX_CONTESTANTS);
    expect(MAX_CONTESTANTS).toBe(12);
    for (const s of styles) expect(s.color).toMatch(/^#[0-9A-F]{6}$/);
  });
});
