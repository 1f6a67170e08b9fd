/**
 * Reader for the IDX format of the original MNIST files
 * (magic: two zero bytes, a type code, the number of dimensions; then one
 * big-endian uint32 per dimension; then the data).
 */

const UNSIGNED_BYTE = 0x08;

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export class IdxFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdxFormatError';
  }
}

export function parseIdx(bytes: Uint8Array): IdxArray {
  if (bytes.length < 4) throw new IdxFormatError(`IDX data too short: ${bytes.length} bytes.`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new IdxFormatError('Not an IDX file: magic must start with two zero bytes.');
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new IdxFormatError(`Unsupported IDX element type 0x${bytes[2].toString(16)}; only unsigned bytes are used by MNIST.`);
  }
  const dims = bytes[3];
  if (dims < 1 || dims > 4) throw new IdxFormatError(`Unsupported IDX rank ${dims}.`);
  const headerLength = 4 + 4 * dims;
  if (bytes.length < headerLength) throw new IdxFormatError('IDX header is truncated.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < dims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const expected = shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerLength;
  if (available !== expected) {
    throw new IdxFormatError(`IDX body holds ${available} bytes but its shape [${shape.join(', ')}] needs ${expected}.`);
  }
  return { shape, data: bytes.subarray(headerLength) };
}

/** Writes an IDX file of unsigned bytes; used by tests to build fixtures. */
export function encodeIdx(shape: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  header[2] = UNSIGNED_BYTE;
  header[3] = shape.length;
  const view = new DataView(header.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}
