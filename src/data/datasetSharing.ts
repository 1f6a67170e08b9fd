/**
 * How one downloaded dataset reaches every training worker. Only the primary worker
 * downloads, verifies and decodes it; each helper receives it from the primary.
 *
 * Cross-origin isolated, the primary decoded into SharedArrayBuffers: helpers get the
 * same memory, nothing is copied. Without isolation there is no shared memory between
 * workers, so each helper gets one copy of its own, made once when it joins the pool and
 * transferred (moved, not cloned) on its way. That costs one memcpy per helper instead of
 * a download, SHA-256 check and gunzip per helper, and never happens per run.
 */
import type { MnistData, SplitData } from './shardLoader';

/** How a worker came to hold its dataset. */
export type DataDelivery = 'downloaded' | 'shared' | 'copied';

export interface HelperDataset {
  data: MnistData;
  delivery: Exclude<DataDelivery, 'downloaded'>;
}

function arraysOf(data: MnistData): Uint8Array[] {
  return [data.train.images, data.train.labels, data.test.images, data.test.labels];
}

function isShared(bytes: Uint8Array): boolean {
  // Outside cross-origin isolation the SharedArrayBuffer constructor does not even exist.
  return typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer;
}

/** What the primary posts for one helper: its shared arrays as they are, or a fresh copy. */
export function datasetForHelper(data: MnistData): HelperDataset {
  if (arraysOf(data).every(isShared)) return { data, delivery: 'shared' };
  const copy = (split: SplitData): SplitData => ({ count: split.count, images: split.images.slice(), labels: split.labels.slice() });
  return { data: { train: copy(data.train), test: copy(data.test) }, delivery: 'copied' };
}

/**
 * The buffers a postMessage of `data` should move rather than clone. Shared buffers are
 * left out: they cannot be transferred, and posting them shares them anyway.
 */
export function transferList(data: MnistData): ArrayBuffer[] {
  return [...new Set(arraysOf(data).filter((bytes) => !isShared(bytes)).map((bytes) => bytes.buffer as ArrayBuffer))];
}
