import { describe, expect, it } from 'vitest';
import { datasetForHelper, transferList } from './datasetSharing';
import type { MnistData } from './shardLoader';

/** A tiny dataset whose arrays live on shared or ordinary buffers. */
function dataset(shared: boolean): MnistData {
  const bytes = (values: number[]) => {
    const array = new Uint8Array(shared ? new SharedArrayBuffer(values.length) : new ArrayBuffer(values.length));
    array.set(values);
    return array;
  };
  return {
    train: { count: 2, images: bytes([1, 2, 3, 4]), labels: bytes([5, 6]) },
    test: { count: 1, images: bytes([7, 8]), labels: bytes([9]) },
  };
}

describe('datasetForHelper', () => {
  it('posts shared arrays as they are: the helper reads the same memory, nothing to transfer', () => {
    const data = dataset(true);
    const share = datasetForHelper(data);
    expect(share.delivery).toBe('shared');
    expect(share.data).toBe(data);
    expect(transferList(share.data)).toEqual([]);

    // What a helper receives through postMessage is the primary's memory, not a copy.
    const received = structuredClone(share.data);
    received.train.images[0] = 42;
    expect(data.train.images[0]).toBe(42);
  });

  it('gives each helper a copy of its own when the arrays are not shared, and moves it', () => {
    const data = dataset(false);
    const share = datasetForHelper(data);
    expect(share.delivery).toBe('copied');
    expect(share.data).toEqual(data);
    const original = [data.train.images, data.train.labels, data.test.images, data.test.labels];
    const copies = [share.data.train.images, share.data.train.labels, share.data.test.images, share.data.test.labels];
    copies.forEach((copy, i) => expect(copy.buffer).not.toBe(original[i].buffer));

    const transfer = transferList(share.data);
    expect(transfer).toHaveLength(4);
    const received = structuredClone(share.data, { transfer });
    expect(received).toEqual(data);
    // Moved, not cloned: the sender's copy is detached, the primary's own arrays are untouched.
    for (const copy of copies) expect(copy.byteLength).toBe(0);
    expect(data.train.images).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it('copies again for the next helper: two helpers never share a non-shared buffer', () => {
    const data = dataset(false);
    const first = datasetForHelper(data);
    const second = datasetForHelper(data);
    expect(first.data.train.images.buffer).not.toBe(second.data.train.images.buffer);
  });

  it('names a buffer once in the transfer list even when arrays share it (a duplicate would throw)', () => {
    const buffer = new ArrayBuffer(8);
    const data: MnistData = {
      train: { count: 1, images: new Uint8Array(buffer, 0, 4), labels: new Uint8Array(buffer, 4, 1) },
      test: { count: 1, images: new Uint8Array(buffer, 5, 2), labels: new Uint8Array(buffer, 7, 1) },
    };
    expect(transferList(data)).toEqual([buffer]);
  });
});
