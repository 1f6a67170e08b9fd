/**
 * The exported scripts (experiment/exportScripts.ts) repeat what the app computes in
 * train/: its constants, and its seeded initial weights and batch order, which the
 * scripts draw with numpy. These tests hold the two together.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RANDOM_SECTION, SCRIPT_CONSTANTS } from '../experiment/exportScripts';
import type { NetworkSettings } from '../experiment/network';
import { initialWeights, KERAS_EPSILON } from './network';
import { createRandom, RandomStream, shuffledIndices } from './random';
import { COLLAPSE_LOSS, COLLAPSE_WINDOW } from './trainer';

// .ci/run installs Debian's python3-numpy, so CI always runs the comparison; on a
// machine without it the test is skipped (reported as skipped, not passed).
const hasNumpy = spawnSync('python3', ['-c', 'import numpy']).status === 0;

describe('the exported scripts agree with the app', () => {
  it('on the loss clipping and the collapse test', () => {
    expect(SCRIPT_CONSTANTS.kerasEpsilon).toBe(KERAS_EPSILON);
    expect(SCRIPT_CONSTANTS.collapseWindow).toBe(COLLAPSE_WINDOW);
    // The script computes COLLAPSE_LOSS as -log(EPSILON) / 2, as the trainer does.
    expect(-Math.log(SCRIPT_CONSTANTS.kerasEpsilon) / 2).toBe(COLLAPSE_LOSS);
  });

  it.skipIf(!hasNumpy)('on every initial weight and every epoch\'s batch order, bit for bit', () => {
    const cases: { seed: number; network: NetworkSettings; examples: number }[] = [
      { seed: 42, network: { hiddenLayers: [128], activation: 'relu' }, examples: 60_000 },
      { seed: 4_294_967_295, network: { hiddenLayers: [40, 8], activation: 'tanh' }, examples: 1_000 },
      { seed: 0, network: { hiddenLayers: [], activation: 'sigmoid' }, examples: 1_001 },
    ];
    const program = `import json, math, sys
import numpy as np
${RANDOM_SECTION}
out = []
for case in json.loads(sys.argv[1]):
    weights = initial_weights(case["seed"], case["network"])
    shuffle = Random(case["seed"], STREAM_SHUFFLE)
    orders = [shuffled(case["examples"], shuffle) for _ in range(2)]
    out.append({"weights": [w.astype(np.float64).ravel().tolist() for w in weights], "orders": [o.tolist() for o in orders]})
print(json.dumps(out))`;
    const run = spawnSync('python3', ['-c', program, JSON.stringify(cases)], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(run.stderr).toBe('');
    const fromPython = JSON.parse(run.stdout) as { weights: number[][]; orders: number[][] }[];
    cases.forEach((c, i) => {
      const weights = initialWeights(c.seed, c.network);
      expect(fromPython[i].weights.length).toBe(weights.length);
      weights.forEach((w, j) => expect(Float32Array.from(fromPython[i].weights[j])).toEqual(w));
      const shuffle = createRandom(c.seed, RandomStream.shuffle);
      for (const order of fromPython[i].orders) expect(Uint32Array.from(order)).toEqual(shuffledIndices(c.examples, shuffle));
    });
  });
});
