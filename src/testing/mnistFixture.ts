/** Test helper: small synthetic MNIST idx files, written as the pinned source files would be. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFiles } from '../../scripts/prepareMnist';
import { encodeIdx } from '../data/idx';
import { IMAGE_SIZE } from '../data/manifest';

export const FIXTURE_TRAIN = 25;
export const FIXTURE_TEST = 12;

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic pixels that differ per example and per position, so misplaced shards show. */
export function fixtureImages(count: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: count * IMAGE_SIZE }, (_, i) => (i * 31 + seed * 17 + Math.floor(i / IMAGE_SIZE) * 7) % 256);
}
export const fixtureLabels = (count: number, offset: number) => Uint8Array.from({ length: count }, (_, i) => (i + offset) % 10);

export const fixture = {
  train: { images: fixtureImages(FIXTURE_TRAIN, 1), labels: fixtureLabels(FIXTURE_TRAIN, 0) },
  test: { images: fixtureImages(FIXTURE_TEST, 2), labels: fixtureLabels(FIXTURE_TEST, 3) },
};

export interface IdxFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

export const fixtureIdx = (): IdxFiles => ({
  trainImages: encodeIdx([FIXTURE_TRAIN, 28, 28], fixture.train.images),
  trainLabels: encodeIdx([FIXTURE_TRAIN], fixture.train.labels),
  testImages: encodeIdx([FIXTURE_TEST, 28, 28], fixture.test.images),
  testLabels: encodeIdx([FIXTURE_TEST], fixture.test.labels),
});

/** The files in a prepared data folder, sorted; empty when it does not exist. */
export function listOutput(outDir: string): string[] {
  return existsSync(outDir) ? readdirSync(outDir).sort() : [];
}

/** Writes the four idx files into `dir` and returns a `sources` object pinning their checksums. */
export function writeSources(dir: string, data: IdxFiles = fixtureIdx()): SourceFiles {
  mkdirSync(dir, { recursive: true });
  const entry = (file: string, bytes: Uint8Array) => {
    writeFileSync(join(dir, file), bytes);
    return { file, sha256: sha256(bytes) };
  };
  return {
    trainImages: entry('train-images-idx3-ubyte', data.trainImages),
    trainLabels: entry('train-labels-idx1-ubyte', data.trainLabels),
    testImages: entry('t10k-images-idx3-ubyte', data.testImages),
    testLabels: entry('t10k-labels-idx1-ubyte', data.testLabels),
  };
}
