/**
 * A drawn digit prepared as MNIST's digits were (LeCun et al.): the ink's bounding box
 * is scaled, preserving its aspect ratio and anti-aliased (area averaging), so that its
 * larger side is 20 px, and placed in a 28 x 28 image so that its centre of mass lies
 * at the image's centre, shifted by whole pixels. Values are ink in [0, 1], as the
 * network was trained on (pixel / 255).
 */

export const MNIST_SIZE = 28;
/** The side of the box the digit's larger side is scaled to. */
export const MNIST_BOX = 20;
/** Fainter pixels (anti-aliasing fringe) do not widen the bounding box; they are still averaged in. */
export const INK_THRESHOLD = 0.1;
export const DRAW_FIRST = 'Draw a digit first.';

/** The inclusive bounding box of pixels with ink over the threshold, or null when there are none. */
export function inkBounds(ink: ArrayLike<number>, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!(ink[y * width + x] > INK_THRESHOLD)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}

/**
 * How much of each source pixel [i, i + 1) of a span of `length` falls into each of
 * `size` equal target pixels: target t covers [t * length / size, (t + 1) * length / size).
 */
function coverage(length: number, size: number): { first: number; weights: number[] }[] {
  const step = length / size;
  return Array.from({ length: size }, (_, t) => {
    const start = t * step;
    const end = (t + 1) * step;
    const first = Math.floor(start);
    const weights: number[] = [];
    for (let i = first; i < Math.min(length, Math.ceil(end)); i++) weights.push(Math.max(0, Math.min(i + 1, end) - Math.max(i, start)) / step);
    return { first, weights };
  });
}

/**
 * A drawing (`width` x `height` ink values in [0, 1], row-major) as a 28 x 28 MNIST
 * image (784 values in [0, 1]); null when nothing is drawn.
 */
export function preprocessDrawing(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  const bounds = inkBounds(ink, width, height);
  if (!bounds) return null;
  const boxWidth = bounds.x1 - bounds.x0 + 1;
  const boxHeight = bounds.y1 - bounds.y0 + 1;
  const scale = MNIST_BOX / Math.max(boxWidth, boxHeight);
  const targetWidth = Math.max(1, Math.min(MNIST_BOX, Math.round(boxWidth * scale)));
  const targetHeight = Math.max(1, Math.min(MNIST_BOX, Math.round(boxHeight * scale)));

  // Area averaging, separably: rows first (boxHeight x targetWidth), then columns.
  const columns = coverage(boxWidth, targetWidth);
  const rows = coverage(boxHeight, targetHeight);
  const narrowed = new Float64Array(boxHeight * targetWidth);
  for (let y = 0; y < boxHeight; y++) {
    const source = (bounds.y0 + y) * width + bounds.x0;
    columns.forEach(({ first, weights }, tx) => {
      let sum = 0;
      weights.forEach((w, k) => (sum += w * ink[source + first + k]));
      narrowed[y * targetWidth + tx] = sum;
    });
  }
  const box = new Float64Array(targetHeight * targetWidth);
  rows.forEach(({ first, weights }, ty) => {
    for (let tx = 0; tx < targetWidth; tx++) {
      let sum = 0;
      weights.forEach((w, k) => (sum += w * narrowed[(first + k) * targetWidth + tx]));
      box[ty * targetWidth + tx] = sum;
    }
  });

  // The centre of mass, in pixel coordinates where pixel i spans [i, i + 1).
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < targetHeight; y++) {
    for (let x = 0; x < targetWidth; x++) {
      const v = box[y * targetWidth + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  if (!(mass > 0)) return null;
  const offsetX = Math.round(MNIST_SIZE / 2 - mx / mass);
  const offsetY = Math.round(MNIST_SIZE / 2 - my / mass);

  const image = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < targetHeight; y++) {
    const ty = y + offsetY;
    if (ty < 0 || ty >= MNIST_SIZE) continue;
    for (let x = 0; x < targetWidth; x++) {
      const tx = x + offsetX;
      if (tx < 0 || tx >= MNIST_SIZE) continue;
      image[ty * MNIST_SIZE + tx] = Math.min(1, Math.max(0, box[y * targetWidth + x]));
    }
  }
  return image;
}
