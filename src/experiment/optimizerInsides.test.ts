import { describe, expect, it } from 'vitest';
import { declaredNames, variantsOf } from './algebra';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from './optimizers';
import { flattenInside, insideSlots, layerFigures, layerNames, SLOT_SUMMARIES, unflattenInside, updateRatio } from './optimizerInsides';

describe('SLOT_SUMMARIES', () => {
  it.each(OPTIMIZER_IDS)('describes exactly the slots %s declares', (id) => {
    // A new optimizer, or a new slot, fails here until its line says how to summarise it.
    expect(Object.keys(SLOT_SUMMARIES[id]).sort()).toEqual(declaredNames(OPTIMIZERS[id]).slots.sort());
  });

  it('describes every slot of every variant the engines run', () => {
    for (const id of OPTIMIZER_IDS) {
      for (const variant of variantsOf(OPTIMIZERS[id])) {
        for (const { name } of variant.program.slots) expect(SLOT_SUMMARIES[id][name], `${id} ${variant.name} ${name}`).toBeDefined();
      }
    }
  });

  it('labels the summaries as the issue names them', () => {
    expect(insideSlots('adam', optimizerDefaults('adam')).map((s) => s.label)).toEqual(['mean |m|', 'mean √v']);
    expect(insideSlots('adam', { ...optimizerDefaults('adam'), amsgrad: true }).map((s) => s.label)).toEqual(['mean |m|', 'mean √v', 'mean √v̂']);
    expect(insideSlots('adagrad', optimizerDefaults('adagrad')).map((s) => s.label)).toEqual(['mean accumulator']);
    expect(insideSlots('adadelta', optimizerDefaults('adadelta')).map((s) => s.label)).toEqual(['mean E[g²]', 'mean E[Δw²]']);
    expect(insideSlots('sgd', optimizerDefaults('sgd'))).toEqual([]);
    expect(insideSlots('sgd', { ...optimizerDefaults('sgd'), momentum: 0.9 }).map((s) => s.label)).toEqual(['‖velocity‖']);
  });
});

describe('layerFigures', () => {
  it('matches hand-computed norms, ratio and summaries, kernel and bias together', () => {
    // One layer: kernel [3, 4], bias [0, 0]; a second layer: kernel [1], bias [2].
    const before = [Float32Array.of(3, 4), Float32Array.of(0, 0), Float32Array.of(1), Float32Array.of(2)];
    const after = [Float32Array.of(3, 3), Float32Array.of(0, 2), Float32Array.of(1), Float32Array.of(2)];
    const squares = [9, 16, 0, 4];
    const m = [Float32Array.of(-1, 1), Float32Array.of(2, -4), Float32Array.of(0), Float32Array.of(0)];
    const v = [Float32Array.of(4, 9), Float32Array.of(16, 1), Float32Array.of(1), Float32Array.of(9)];
    const velocity = [Float32Array.of(1, 2), Float32Array.of(2, 4), Float32Array.of(3), Float32Array.of(4)];
    const [first, second] = layerFigures(before, after, squares, [
      { summary: 'meanAbs', values: m },
      { summary: 'meanSqrt', values: v },
      { summary: 'norm', values: velocity },
      { summary: 'mean', values: v },
    ]);
    expect(first.gradientNorm).toBe(5); // √(9 + 16)
    expect(first.updateNorm).toBeCloseTo(Math.sqrt(1 + 4), 12); // (3 − 4)², (2 − 0)²
    expect(first.weightNorm).toBe(5);
    expect(updateRatio(first)).toBeCloseTo(Math.sqrt(5) / 5, 12);
    expect(first.slots).toEqual([(1 + 1 + 2 + 4) / 4, (2 + 3 + 4 + 1) / 4, 5, (4 + 9 + 16 + 1) / 4]);
    expect(second).toEqual({ gradientNorm: 2, updateNorm: 0, weightNorm: Math.sqrt(5), slots: [0, 2, 5, 5] });
    expect(updateRatio({ updateNorm: 1, weightNorm: 0 })).toBe(0);
  });

  it('round-trips through the flat form the engines send', () => {
    const layers = [
      { gradientNorm: 1, updateNorm: 2, weightNorm: 3, slots: [4, 5] },
      { gradientNorm: 6, updateNorm: 7, weightNorm: 8, slots: [9, 10] },
    ];
    const flat = flattenInside(0.001, layers);
    expect(flat).toEqual([0.001, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(unflattenInside(Float64Array.from(flat), 2)).toEqual({ learningRate: 0.001, layers });
    expect(() => unflattenInside([1, 2, 3], 2)).toThrow(/do not fit/);
  });

  it('names the Dense layers', () => {
    expect(layerNames([128])).toEqual(['Layer 1 (784 → 128)', 'Output (128 → 10)']);
    expect(layerNames([])).toEqual(['Output (784 → 10)']);
  });
});
