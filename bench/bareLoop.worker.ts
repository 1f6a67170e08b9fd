/// <reference lib="webworker" />
/**
 * What a TensorFlow.js user would write first: variables, tf.train's optimizers and
 * autodiff through `optimizer.minimize`, one optimizer after another in one worker.
 * Same network, initial weights, batches and backend (wasm) as the app, so the
 * benchmark can state how much the app's own choices gain over it.
 */
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from '../src/data/shardLoader';
import { chooseBackend } from '../src/train/backend';
import { batchRanges, gatherBatch, toTensors } from '../src/train/batches';
import { countCorrect, crossEntropy, initialWeights, PARAMETER_SHAPES, predict } from '../src/train/network';
import { createRandom, RandomStream, shuffledIndices } from '../src/train/random';

export interface BareLoopRequest {
  dataUrl: string;
  examples: number;
  epochs: number;
}

export interface BareLoopResult {
  backend: string;
  /** Seconds for all epochs of each optimizer, evaluation on the test set included. */
  seconds: Record<string, number>;
  testAccuracy: Record<string, number>;
  totalSeconds: number;
}

const SEED = 42;
const BATCH_SIZE = 128;
// Keras's default learning rates, through tf.train's constructors.
const OPTIMIZERS: Record<string, () => tf.Optimizer> = {
  SGD: () => tf.train.sgd(0.01),
  Adam: () => tf.train.adam(0.001),
  Adagrad: () => tf.train.adagrad(0.001),
  Adadelta: () => tf.train.adadelta(0.001),
  RMSprop: () => tf.train.rmsprop(0.001),
};

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async ({ data: request }: MessageEvent<BareLoopRequest>) => {
  try {
    const backend = await chooseBackend('wasm');
    const data = await loadMnist(request.dataUrl);
    const test = toTensors(gatherBatch(data.test, Array.from({ length: data.test.count }, (_, i) => i)));
    const result: BareLoopResult = { backend: backend.name, seconds: {}, testAccuracy: {}, totalSeconds: 0 };
    for (const [name, create] of Object.entries(OPTIMIZERS)) {
      const started = performance.now();
      const weights = initialWeights(SEED).map((values, i) => tf.variable(tf.tensor(values, PARAMETER_SHAPES[i].shape)));
      const optimizer = create();
      const shuffle = createRandom(SEED, RandomStream.shuffle);
      for (let epoch = 0; epoch < request.epochs; epoch++) {
        for (const indices of batchRanges(shuffledIndices(request.examples, shuffle), BATCH_SIZE)) {
          const batch = toTensors(gatherBatch(data.train, indices));
          optimizer.minimize(() => crossEntropy(predict(weights, batch.images), batch.oneHot), false, weights);
          tf.dispose([batch.images, batch.oneHot, batch.labels]);
        }
      }
      const correct = tf.tidy(() => countCorrect(predict(weights, test.images), test.labels));
      result.testAccuracy[name] = (await correct.data())[0] / data.test.count;
      result.seconds[name] = (performance.now() - started) / 1000;
      tf.dispose([correct, ...weights]);
      optimizer.dispose();
    }
    result.totalSeconds = Object.values(result.seconds).reduce((a, b) => a + b, 0);
    scope.postMessage(result);
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
