/** 28 x 28 digits as PNG data URLs (the CSP allows data: images), dark ink on white as the pad draws. */

const SIDE = 28;

/** `ink` holds 784 values from 0 (paper) to `full` (ink). */
export function digitDataUrl(ink: ArrayLike<number>, full = 255): string {
  const canvas = document.createElement('canvas');
  canvas.width = SIDE;
  canvas.height = SIDE;
  const context = canvas.getContext('2d');
  if (!context) return '';
  const image = context.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const shade = 255 - Math.round((Math.min(full, Math.max(0, ink[i])) / full) * 255);
    image.data.set([shade, shade, shade, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}
