/**
 * The fused WebAssembly kernel behind the trainer's engine interface: one wasm call
 * per optimizer step (forward, backward and update), results already on the host.
 */
import { flattenInside } from '../experiment/optimizerInsides';
import type { Kernel } from './kernel/kernel';
import type { EngineFactory, TrainingEngine } from './engine';

/** Evaluation runs in chunks of the kernel's batch buffer; this floor keeps them few. */
const MIN_KERNEL_BATCH = 256;

export function kernelEngine(kernel: Kernel): EngineFactory {
  return async (data, plan, initial): Promise<TrainingEngine> => {
    const trainer = await kernel.createTrainer({
      network: plan.network,
      maxBatch: Math.max(plan.batchSize, MIN_KERNEL_BATCH),
      runs: plan.runs,
      initial,
    });
    return {
      loadBatch: (indices) => trainer.setBatch(data.train.images, data.train.labels, indices),
      step(run, sample) {
        if (!sample) {
          const { loss, correct } = trainer.trainStep(run);
          return Float64Array.of(loss, correct);
        }
        const { loss, correct, inside } = trainer.trainSampledStep(run);
        return Float64Array.of(loss, correct, ...flattenInside(inside.learningRate, inside.layers));
      },
      evaluate: (runs) =>
        trainer.evaluateRuns(runs, data.test.images, data.test.labels, 0, data.test.count).map(({ lossSum, correct }) => Float64Array.of(lossSum, correct)),
      // The kernel stores some kernels padded or transposed; weights() converts back to Keras order.
      weights: async (run) => trainer.weights(run),
      // The kernel's memory is laid out once for all runs; a diverged run simply stops being stepped.
      release: () => {},
      dispose: () => trainer.dispose(),
    };
  };
}
