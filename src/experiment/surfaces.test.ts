import { describe, expect, it } from 'vitest';
import { createLabRun, defaultLab, positionAt } from './lab';
import { optimizerDefaults } from './optimizers';
import { gradientNoise, SURFACE_IDS, SURFACES } from './surfaces';

describe('surfaces', () => {
  const POINTS = [[-1.5, 2], [0.3, -0.7], [1.2, 1.1], [-2.5, 0.4], [2.9, 0.6]];

  it.each(SURFACE_IDS)('%s: the analytic gradient matches central finite differences', (id) => {
    const s = SURFACES[id];
    for (const kappa of [1, 10, 1000]) {
      for (const [x, y] of POINTS) {
        const h = 1e-6;
        const numeric = [(s.value(x + h, y, kappa) - s.value(x - h, y, kappa)) / (2 * h), (s.value(x, y + h, kappa) - s.value(x, y - h, kappa)) / (2 * h)];
        const [gx, gy] = s.gradient(x, y, kappa);
        expect(Math.abs(gx - numeric[0])).toBeLessThan(1e-5 * Math.max(1, Math.abs(gx)));
        expect(Math.abs(gy - numeric[1])).toBeLessThan(1e-5 * Math.max(1, Math.abs(gy)));
      }
    }
  });

  it.each(SURFACE_IDS)('%s: each marked point is stationary, inside the window with its default start', (id) => {
    const s = SURFACES[id];
    for (const m of s.minima) {
      const [gx, gy] = s.gradient(m.x, m.y, 10);
      expect(Math.hypot(gx, gy)).toBeLessThan(1e-4);
      expect(m.x).toBeGreaterThanOrEqual(s.window.x[0]);
      expect(m.x).toBeLessThanOrEqual(s.window.x[1]);
    }
    expect(s.defaultStart.x).toBeGreaterThan(s.window.x[0]);
    expect(s.defaultStart.y).toBeLessThan(s.window.y[1]);
  });

  it('Himmelblau has four minima, all at f = 0; Rosenbrock and Beale one each', () => {
    expect(SURFACES.himmelblau.minima).toHaveLength(4);
    for (const m of SURFACES.himmelblau.minima) expect(SURFACES.himmelblau.value(m.x, m.y, 0)).toBeLessThan(1e-9);
    expect(SURFACES.rosenbrock.value(1, 1, 0)).toBe(0);
    expect(SURFACES.beale.value(3, 0.5, 0)).toBe(0);
  });

  it('gradient noise is seeded: the same seed gives the same standard normals, another seed others', () => {
    const a = gradientNoise(42), b = gradientNoise(42), c = gradientNoise(43);
    const draws = Array.from({ length: 2000 }, (_, i) => a.at(i + 1));
    expect(b.at(5)).toEqual(draws[4]);
    expect(c.at(1)).not.toEqual(draws[0]);
    const values = draws.flat();
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
  });
});

describe('the lab run', () => {
  const contestants = [
    { key: 'sgd', optimizer: 'sgd' as const, hyperparameters: { ...optimizerDefaults('sgd'), learningRate: 0.0005, momentum: 0.9 } },
    { key: 'adam', optimizer: 'adam' as const, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.05 } },
  ];
  const setup = { surface: 'rosenbrock' as const, kappa: 10, noise: 0, seed: 42, start: { x: -1.5, y: 2 }, contestants };

  it('advances incrementally: 40 then 60 steps give the same paths as 100 at once', () => {
    const once = createLabRun(setup);
    once.advanceTo(100);
    const twice = createLabRun(setup);
    twice.advanceTo(40);
    twice.advanceTo(60);
    twice.advanceTo(100);
    expect(twice.computed).toBe(100);
    expect(twice.trajectories).toStrictEqual(once.trajectories);
    expect(once.trajectories[0].xs).toHaveLength(101);
    expect(positionAt(once.trajectories[1], 100).loss).toBeLessThan(positionAt(once.trajectories[1], 0).loss);
  });

  it('noise changes the path, reproducibly for a seed', () => {
    const noisy = (seed: number) => {
      const run = createLabRun({ ...setup, noise: 5, seed });
      run.advanceTo(50);
      return run.trajectories[1].xs;
    };
    const clean = createLabRun(setup);
    clean.advanceTo(50);
    expect(noisy(1)).toEqual(noisy(1));
    expect(noisy(1)).not.toEqual(noisy(2));
    expect(noisy(1)).not.toEqual(clean.trajectories[1].xs);
  });

  it('stops a diverging trajectory and says at which step', () => {
    const run = createLabRun({ ...setup, contestants: [{ key: 'sgd', optimizer: 'sgd', hyperparameters: { ...optimizerDefaults('sgd'), learningRate: 0.1 } }] });
    run.advanceTo(50);
    const [t] = run.trajectories;
    expect(t.divergedAt).toBeGreaterThan(0);
    expect(t.xs).toHaveLength(t.divergedAt!);
    expect(t.xs.every(Number.isFinite)).toBe(true);
    expect(positionAt(t, 50).index).toBe(t.xs.length - 1);
  });

  it('defaults: Rosenbrock from (−1.5, 2), 300 steps', () => {
    expect(defaultLab()).toMatchObject({ surface: 'rosenbrock', startX: -1.5, startY: 2, steps: 300 });
  });
});
