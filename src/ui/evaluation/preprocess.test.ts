import { describe, expect, it } from 'vitest';
import { inkBounds, MNIST_SIZE, preprocessDrawing } from './preprocess';

const SIDE = 280;

/** A blank 280 x 280 drawing with `paint(x, y)` (0..1) where it returns a value. */
function drawing(paint: (x: number, y: number) => number | undefined): Float32Array {
  const ink = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) ink[y * SIDE + x] = paint(x, y) ?? 0;
  return ink;
}

/** Centre of mass of a 28 x 28 image, pixel i spanning [i, i + 1). */
function centreOfMass(image: Float32Array): { x: number; y: number } {
  let mass = 0;
  let x = 0;
  let y = 0;
  image.forEach((v, i) => {
    mass += v;
    x += v * ((i % MNIST_SIZE) + 0.5);
    y += v * (Math.floor(i / MNIST_SIZE) + 0.5);
  });
  return { x: x / mass, y: y / mass };
}

/** Rows and columns of a 28 x 28 image holding any ink. */
function extent(image: Float32Array, threshold = 0) {
  const rows = new Set<number>();
  const columns = new Set<number>();
  image.forEach((v, i) => {
    if (v > threshold) {
      rows.add(Math.floor(i / MNIST_SIZE));
      columns.add(i % MNIST_SIZE);
    }
  });
  return { height: rows.size, width: columns.size };
}

describe('preprocessDrawing', () => {
  it('centres an off-centre, lopsided shape by its mass, not by its box', () => {
    // An L in the top-left corner: a thick vertical bar and a short foot, heavy at the bar.
    const image = preprocessDrawing(
      drawing((x, y) => ((x >= 10 && x < 40 && y >= 5 && y < 125) || (x >= 10 && x < 90 && y >= 100 && y < 125) ? 1 : undefined)),
      SIDE,
      SIDE,
    )!;
    expect(image).toHaveLength(784);
    const { x, y } = centreOfMass(image);
    // Shifted by whole pixels, as MNIST was: within half a pixel of the centre.
    expect(Math.abs(x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(y - 14)).toBeLessThanOrEqual(0.5);
    // The box's own centre is elsewhere (the mass sits left, in the bar).
    const columns = [...new Set(Array.from(image.keys()).filter((i) => image[i] > 0).map((i) => i % 28))];
    expect((Math.min(...columns) + Math.max(...columns) + 1) / 2).toBeGreaterThan(14.5);
  });

  it('scales a tall stroke to 20 px high, keeping its aspect ratio', () => {
    const image = preprocessDrawing(drawing((x, y) => (x >= 100 && x < 120 && y >= 30 && y < 230 ? 1 : undefined)), SIDE, SIDE)!;
    // 200 x 20 px drawn: 20 x 2 in the image.
    expect(extent(image)).toEqual({ height: 20, width: 2 });
    const wide = preprocessDrawing(drawing((x, y) => (x >= 20 && x < 220 && y >= 50 && y < 150 ? 1 : undefined)), SIDE, SIDE)!;
    expect(extent(wide)).toEqual({ height: 10, width: 20 });
  });

  it('anti-aliases by area: a stroke thinner than a target pixel becomes a faint one, and values stay in [0, 1]', () => {
    // 200 px tall, 5 px wide: scale 0.1, so the stroke covers half of one target column.
    const image = preprocessDrawing(drawing((x, y) => (x >= 100 && x < 105 && y >= 30 && y < 230 ? 1 : undefined)), SIDE, SIDE)!;
    expect(extent(image)).toEqual({ height: 20, width: 1 });
    const values = Array.from(image).filter((v) => v > 0);
    for (const v of values) expect(v).toBeCloseTo(1, 5); // the box is the stroke itself: full pixels
    const dot = preprocessDrawing(drawing((x, y) => (x >= 0 && x < 200 && y >= 0 && y < 200 && (x + y) % 2 === 0 ? 1 : undefined)), SIDE, SIDE)!;
    // A checkerboard averages to grey.
    const inked = Array.from(dot).filter((v) => v > 0);
    expect(inked).toHaveLength(400);
    for (const v of inked) expect(v).toBeCloseTo(0.5, 5);
    for (const v of image) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('enlarges a small drawing to the 20 px box', () => {
    const image = preprocessDrawing(drawing((x, y) => (x >= 140 && x < 150 && y >= 140 && y < 145 ? 1 : undefined)), SIDE, SIDE)!;
    expect(extent(image)).toEqual({ height: 10, width: 20 });
  });

  it('sees no digit in an empty drawing or in faint fringe alone', () => {
    expect(preprocessDrawing(new Float32Array(SIDE * SIDE), SIDE, SIDE)).toBeNull();
    expect(preprocessDrawing(drawing(() => 0.05), SIDE, SIDE)).toBeNull();
    expect(inkBounds(drawing((x, y) => (x === 3 && y === 7 ? 1 : undefined)), SIDE, SIDE)).toEqual({ x0: 3, y0: 7, x1: 3, y1: 7 });
  });
});
