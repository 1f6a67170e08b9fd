/**
 * Batch tensors are built from typed-array views of the decoded uint8 data, never
 * by slicing a dataset-sized tensor (on wasm, tf.slice copies the whole source).
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../data/manifest';
import type { SplitData } from '../data/shardLoader';

export interface HostBatch {
  size: number;
  /** size * 784 pixels scaled to [0, 1]. */
  images: Float32Array;
  /** size * 10 one-hot rows. */
  oneHot: Float32Array;
  labels: Int32Array;
}

/** Pixel values as training sees them: uint8 * (1 / 255) in double, stored as float32 (the kernel uses the same table). */
export const PIXEL_VALUES = Float32Array.from({ length: 256 }, (_, v) => v * (1 / 255));

/** Gathers the examples at `indices` into fresh host arrays (fresh: tfjs may keep a reference). */
export function gatherBatch(split: SplitData, indices: ArrayLike<number>): HostBatch {
  const size = indices.length;
  const images = new Float32Array(size * IMAGE_SIZE);
  const oneHot = new Float32Array(size * NUM_CLASSES);
  const labels = new Int32Array(size);
  for (let row = 0; row < size; row++) {
    const example = indices[row];
    const source = example * IMAGE_SIZE;
    const target = row * IMAGE_SIZE;
    for (let p = 0; p < IMAGE_SIZE; p++) images[target + p] = PIXEL_VALUES[split.images[source + p]];
    const label = split.labels[example];
    labels[row] = label;
    oneHot[row * NUM_CLASSES + label] = 1;
  }
  return { size, images, oneHot, labels };
}

export interface BatchTensors {
  images: tf.Tensor2D;
  oneHot: tf.Tensor2D;
  labels: tf.Tensor1D;
}

/** The device copies of a host batch; the caller disposes them. */
export function toTensors(batch: HostBatch): BatchTensors {
  return {
    images: tf.tensor2d(batch.images, [batch.size, IMAGE_SIZE]),
    oneHot: tf.tensor2d(batch.oneHot, [batch.size, NUM_CLASSES]),
    labels: tf.tensor1d(batch.labels, 'int32'),
  };
}

/** Contiguous ranges of an ordering, `size` at a time; the last one may be shorter (as in Keras). */
export function* batchRanges(order: Uint32Array, size: number): Generator<Uint32Array> {
  for (let start = 0; start < order.length; start += size) yield order.subarray(start, Math.min(start + size, order.length));
}
