/**
 * The dataset manifest written by scripts/prepare-data.ts and read by the worker.
 * The worker treats it as untrusted input: parseManifest checks every field.
 */

export const MANIFEST_FORMAT = 1;
export const IMAGE_SIDE = 28;
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;

export type Split = 'train' | 'test';
export type ShardKind = 'images' | 'labels';

export interface ShardEntry {
  /** File name relative to the manifest. */
  file: string;
  split: Split;
  kind: ShardKind;
  /** Index of the first example in this shard within its split. */
  start: number;
  count: number;
  /** Size of the file as served: gzip data under a neutral extension. */
  bytes: number;
  /** Size after decompression: count * 784 for images, count for labels. */
  rawBytes: number;
  /** SHA-256 of the gzip file as served. */
  sha256: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  name: string;
  source: string;
  /** Which version of scripts/prepareMnist.ts wrote it. */
  generator?: string;
  imageShape: [number, number];
  numClasses: number;
  splits: Record<Split, { count: number }>;
  shards: ShardEntry[];
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e8;

export function parseManifest(json: unknown): Manifest {
  const fail = (what: string): never => {
    throw new ManifestError(`manifest.json is malformed: ${what}.`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('not a JSON object');
  const m = json as Record<string, unknown>;
  if (m.format !== MANIFEST_FORMAT) {
    // Only primitives are echoed: String() of a hostile object can throw.
    const shown = typeof m.format === 'number' || typeof m.format === 'string' ? String(m.format).slice(0, 20) : typeof m.format;
    fail(`unsupported format ${shown} (expected ${MANIFEST_FORMAT})`);
  }
  const shape = m.imageShape;
  if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== IMAGE_SIDE || shape[1] !== IMAGE_SIDE) fail('imageShape must be [28, 28]');
  if (typeof m.name !== 'string' || typeof m.source !== 'string') fail('name and source must be strings');
  if (m.numClasses !== NUM_CLASSES) fail('numClasses must be 10');
  const splits = m.splits as Record<string, { count?: unknown }> | undefined;
  if (!splits || !isCount(splits.train?.count) || !isCount(splits.test?.count)) fail('splits.train.count and splits.test.count must be counts');
  if (!Array.isArray(m.shards) || m.shards.length === 0) fail('shards must be a non-empty list');
  const shards = (m.shards as unknown[]).map((raw, i): ShardEntry => {
    const s = raw as Record<string, unknown>;
    if (typeof s !== 'object' || s === null) fail(`shard ${i} is not an object`);
    // Shard names are joined to the data URL: allow plain file names only.
    if (typeof s.file !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(s.file) || s.file.startsWith('.')) fail(`shard ${i} has an invalid file name`);
    if (s.split !== 'train' && s.split !== 'test') fail(`shard ${s.file} has an invalid split`);
    if (s.kind !== 'images' && s.kind !== 'labels') fail(`shard ${s.file} has an invalid kind`);
    if (!isCount(s.start) || !isCount(s.count) || !isCount(s.bytes) || !isCount(s.rawBytes)) fail(`shard ${s.file} has invalid sizes`);
    if (typeof s.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(s.sha256)) fail(`shard ${s.file} has an invalid sha256`);
    const perExample = s.kind === 'images' ? IMAGE_SIZE : 1;
    if ((s.rawBytes as number) !== (s.count as number) * perExample) fail(`shard ${s.file} rawBytes does not match its count`);
    return s as unknown as ShardEntry;
  });
  const manifest = { ...(m as unknown as Manifest), shards };
  for (const split of ['train', 'test'] as const) {
    for (const kind of ['images', 'labels'] as const) {
      const covered = coverage(shards, split, kind);
      if (covered !== manifest.splits[split].count) fail(`the ${split} ${kind} shards do not cover all ${manifest.splits[split].count} examples`);
    }
  }
  return manifest;
}

/** Count of examples covered contiguously from 0 by the shards of one split and kind. */
function coverage(shards: ShardEntry[], split: Split, kind: ShardKind): number {
  const sorted = shards.filter((s) => s.split === split && s.kind === kind).sort((a, b) => a.start - b.start);
  let next = 0;
  for (const s of sorted) {
    if (s.start !== next) return -1;
    next += s.count;
  }
  return next;
}
