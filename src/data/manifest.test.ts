import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE, ManifestError, parseManifest, type ShardEntry } from './manifest';

const SHA = 'a'.repeat(64);

function shard(overrides: Partial<ShardEntry> & Pick<ShardEntry, 'file' | 'split' | 'kind' | 'start' | 'count'>): ShardEntry {
  const perExample = overrides.kind === 'images' ? IMAGE_SIZE : 1;
  return { bytes: 100, rawBytes: overrides.count * perExample, sha256: SHA, ...overrides };
}

/** A well-formed manifest: 25 train examples in image shards of 10, 12 test examples in shards of 10. */
function validManifest() {
  return {
    format: 1,
    name: 'MNIST',
    source: 'fixture',
    imageShape: [28, 28],
    numClasses: 10,
    splits: { train: { count: 25 }, test: { count: 12 } },
    shards: [
      shard({ file: 'train-images-0.u8.gz', split: 'train', kind: 'images', start: 0, count: 10 }),
      shard({ file: 'train-images-1.u8.gz', split: 'train', kind: 'images', start: 10, count: 10 }),
      shard({ file: 'train-images-2.u8.gz', split: 'train', kind: 'images', start: 20, count: 5 }),
      shard({ file: 'train-labels.u8.gz', split: 'train', kind: 'labels', start: 0, count: 25 }),
      shard({ file: 'test-images-0.u8.gz', split: 'test', kind: 'images', start: 0, count: 10 }),
      shard({ file: 'test-images-1.u8.gz', split: 'test', kind: 'images', start: 10, count: 2 }),
      shard({ file: 'test-labels.u8.gz', split: 'test', kind: 'labels', start: 0, count: 12 }),
    ],
  };
}

type Mutable = ReturnType<typeof validManifest> & Record<string, unknown>;

/** Applies `edit` to a fresh valid manifest and returns the ManifestError parseManifest throws. */
function errorFor(edit: (m: Mutable) => unknown): ManifestError {
  const m = validManifest() as Mutable;
  const replaced = edit(m);
  const input = replaced === undefined ? m : replaced;
  try {
    parseManifest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).name).toBe('ManifestError');
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted a malformed manifest');
}

describe('parseManifest', () => {
  it('accepts a well-formed manifest and returns its fields', () => {
    const input = validManifest();
    const manifest = parseManifest(input);
    expect(manifest.format).toBe(1);
    expect(manifest.splits).toEqual({ train: { count: 25 }, test: { count: 12 } });
    expect(manifest.shards).toEqual(input.shards);
  });

  it('accepts shards listed out of order', () => {
    const input = validManifest();
    input.shards.reverse();
    expect(parseManifest(input).shards).toHaveLength(7);
  });

  it('accepts a split with zero examples covered by an empty labels shard', () => {
    const input = validManifest();
    input.splits.test.count = 0;
    input.shards = input.shards.filter((s) => s.split === 'train');
    input.shards.push(shard({ file: 'test-labels.u8.gz', split: 'test', kind: 'labels', start: 0, count: 0 }));
    expect(parseManifest(input).splits.test.count).toBe(0);
  });

  describe('rejects with a message naming the problem', () => {
    it.each([null, 42, 'manifest', true, [validManifest()]])('a non-object (%j)', (value) => {
      expect(errorFor(() => value).message).toMatch(/not a JSON object/);
    });

    it('every message says manifest.json is malformed', () => {
      expect(errorFor(() => null).message).toMatch(/^manifest\.json is malformed: /);
    });

    it.each([2, 0, '1', null, undefined])('format %j instead of 1', (format) => {
      const error = errorFor((m) => {
        m.format = format as never;
      });
      expect(error.message).toMatch(/unsupported format/);
      expect(error.message).toMatch(/expected 1/);
    });

    it.each([[[28]], [[28, 27]], [[27, 28]], [['28', '28']], ['28x28'], [undefined]])('imageShape %j', (shape) => {
      expect(
        errorFor((m) => {
          m.imageShape = shape as never;
        }).message,
      ).toMatch(/imageShape must be \[28, 28\]/);
    });

    it('numClasses other than 10', () => {
      expect(
        errorFor((m) => {
          m.numClasses = 9;
        }).message,
      ).toMatch(/numClasses must be 10/);
    });

    it('missing splits', () => {
      expect(
        errorFor((m) => {
          delete (m as Partial<Mutable>).splits;
        }).message,
      ).toMatch(/splits\.train\.count and splits\.test\.count must be counts/);
    });

    it.each([
      ['missing test split', { train: { count: 25 } }],
      ['negative count', { train: { count: -1 }, test: { count: 12 } }],
      ['fractional count', { train: { count: 25 }, test: { count: 1.5 } }],
      ['string count', { train: { count: '25' }, test: { count: 12 } }],
      ['splits as a number', 7],
    ])('splits with %s', (_, splits) => {
      expect(
        errorFor((m) => {
          m.splits = splits as never;
        }).message,
      ).toMatch(/splits\.train\.count and splits\.test\.count must be counts/);
    });

    it.each([[[]], [undefined], [{}]])('shards %j', (shards) => {
      expect(
        errorFor((m) => {
          m.shards = shards as never;
        }).message,
      ).toMatch(/shards must be a non-empty list/);
    });

    it('a shard that is not an object', () => {
      expect(
        errorFor((m) => {
          (m.shards as unknown[])[2] = null;
        }).message,
      ).toMatch(/shard 2 is not an object/);
    });

    it.each(['../x', 'a/b', '..', '.hidden', 'a\\b', '', 'x'.repeat(101), 'with space.gz', '%2e%2e', 42])(
      'a shard file name that could escape the data folder: %j',
      (file) => {
        expect(
          errorFor((m) => {
            m.shards[0].file = file as never;
          }).message,
        ).toMatch(/shard 0 has an invalid file name/);
      },
    );

    it('an invalid split or kind, naming the shard file', () => {
      expect(
        errorFor((m) => {
          m.shards[1].split = 'validation' as never;
        }).message,
      ).toMatch(/shard train-images-1\.u8\.gz has an invalid split/);
      expect(
        errorFor((m) => {
          m.shards[1].kind = 'pixels' as never;
        }).message,
      ).toMatch(/shard train-images-1\.u8\.gz has an invalid kind/);
    });

    it.each(['start', 'count', 'bytes', 'rawBytes'] as const)('a negative or non-integer %s', (field) => {
      for (const value of [-1, 0.5, '10', 1e9]) {
        expect(
          errorFor((m) => {
            m.shards[3][field] = value as never;
          }).message,
        ).toMatch(/shard train-labels\.u8\.gz has invalid sizes/);
      }
    });

    it.each(['A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), '', 12])('invalid sha256 %j', (sha) => {
      expect(
        errorFor((m) => {
          m.shards[4].sha256 = sha as never;
        }).message,
      ).toMatch(/shard test-images-0\.u8\.gz has an invalid sha256/);
    });

    it('rawBytes that does not match count for images (count * 784) and labels (count)', () => {
      expect(
        errorFor((m) => {
          m.shards[0].rawBytes = 10; // a labels-sized shard marked as images
        }).message,
      ).toMatch(/shard train-images-0\.u8\.gz rawBytes does not match its count/);
      expect(
        errorFor((m) => {
          m.shards[3].rawBytes = 25 * IMAGE_SIZE; // an images-sized shard marked as labels
        }).message,
      ).toMatch(/shard train-labels\.u8\.gz rawBytes does not match its count/);
    });

    it('a gap between image shards', () => {
      expect(
        errorFor((m) => {
          m.shards.splice(1, 1);
        }).message,
      ).toMatch(/the train images shards do not cover all 25 examples/);
    });

    it('overlapping image shards', () => {
      expect(
        errorFor((m) => {
          m.shards[1].start = 9;
        }).message,
      ).toMatch(/the train images shards do not cover all 25 examples/);
    });

    it('shards that stop short of the split count', () => {
      expect(
        errorFor((m) => {
          m.splits.test.count = 13;
        }).message,
      ).toMatch(/the test images shards do not cover all 13 examples/);
    });

    it('shards that run past the split count', () => {
      expect(
        errorFor((m) => {
          m.splits.test.count = 11;
        }).message,
      ).toMatch(/the test images shards do not cover all 11 examples/);
    });

    it('a labels shard that does not start at 0', () => {
      expect(
        errorFor((m) => {
          m.shards[6].start = 1;
        }).message,
      ).toMatch(/the test labels shards do not cover all 12 examples/);
    });

    it('a missing labels shard', () => {
      expect(
        errorFor((m) => {
          m.shards.splice(3, 1);
        }).message,
      ).toMatch(/the train labels shards do not cover all 25 examples/);
    });

    it('a duplicated shard', () => {
      expect(
        errorFor((m) => {
          m.shards.push({ ...m.shards[0] });
        }).message,
      ).toMatch(/the train images shards do not cover all 25 examples/);
    });
  });

  describe('properties', () => {
    const onlyManifestErrors = (value: unknown) => {
      try {
        parseManifest(value);
      } catch (error) {
        expect(error).toBeInstanceOf(ManifestError);
      }
    };

    it('arbitrary JSON values are accepted or refused with ManifestError, never another error', () => {
      fc.assert(fc.property(fc.jsonValue(), onlyManifestErrors), { numRuns: 1000 });
    });

    it('arbitrary JavaScript values are accepted or refused with ManifestError', () => {
      fc.assert(fc.property(fc.anything(), onlyManifestErrors), { numRuns: 1000 });
    });

    it('a valid manifest with one field replaced by an arbitrary value only ever fails with ManifestError', () => {
      // Random values at the top level rarely get past the first checks; replacing one nested field reaches them all.
      const paths = [
        ['format'],
        ['imageShape'],
        ['numClasses'],
        ['splits'],
        ['splits', 'train'],
        ['splits', 'train', 'count'],
        ['shards'],
        ['shards', 0],
        ['shards', 0, 'file'],
        ['shards', 1, 'split'],
        ['shards', 2, 'kind'],
        ['shards', 3, 'start'],
        ['shards', 4, 'count'],
        ['shards', 5, 'bytes'],
        ['shards', 6, 'rawBytes'],
        ['shards', 0, 'sha256'],
      ] as const;
      fc.assert(
        fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
          const m = validManifest() as unknown as Record<string | number, unknown>;
          let target = m;
          for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
          target[path[path.length - 1]] = value;
          onlyManifestErrors(m);
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('parseManifest with a hostile format value', () => {
  it('reports an object whose toString is not callable as a ManifestError, not a TypeError', () => {
    expect(() => parseManifest({ format: { toString: 0 } })).toThrow(ManifestError);
    expect(() => parseManifest({ format: Object.create(null) })).toThrow(ManifestError);
  });
});
