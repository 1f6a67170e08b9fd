/**
 * The loss-surface lab: its settings (declared once, as parameter tables the link and
 * the form read) and its run, every ticked contestant's trajectory on a surface of
 * two parameters, advanced step by step with the same update programs as MNIST
 * training (programEvaluator.ts) in float64.
 */
import { OPTIMIZERS, type OptimizerId } from './optimizers';
import type { ChoiceParameter, NumberParameter, ParameterValues } from './parameters';
import type { ScheduleSettings } from './schedules';
import { createProgramRunner, type ProgramRunner } from './programEvaluator';
import { gradientNoise, SURFACE_IDS, SURFACES, type Point, type SurfaceId } from './surfaces';

export type Page = 'training' | 'lab';

/** Which view the page shows; `view=lab` in a link opens the lab. */
export const PAGE_PARAMETER = {
  kind: 'choice',
  key: 'page',
  urlKey: 'view',
  label: 'View',
  options: [
    { value: 'training', label: 'Training' },
    { value: 'lab', label: 'Loss surface lab' },
  ],
  defaultValue: 'training',
  help: 'MNIST training, or the loss-surface lab.',
} as const satisfies ChoiceParameter<Page>;

export const SURFACE_PARAMETER = {
  kind: 'choice',
  key: 'surface',
  urlKey: 'surf',
  label: 'Surface',
  options: SURFACE_IDS.map((id) => ({ value: id, label: SURFACES[id].label })),
  defaultValue: 'rosenbrock',
  help: 'The function of two parameters the contestants minimise.',
} as const satisfies ChoiceParameter<SurfaceId>;

export const LAB_NUMBER_PARAMETERS = [
  { kind: 'number', key: 'kappa', urlKey: 'kappa', label: 'Condition number κ', defaultValue: 10, min: 1, max: 1000, help: 'Ratio of the quadratic\'s curvatures along y and x.' },
  { kind: 'number', key: 'noise', urlKey: 'noise', label: 'Gradient noise', defaultValue: 0, min: 0, max: 100, help: 'Standard deviation of seeded Gaussian noise added to each gradient component, as minibatches add noise (the seed is the training seed).' },
  // Wider than any surface's window: a start may be typed off the drawing.
  { kind: 'number', key: 'startX', urlKey: 'sx', label: 'Start x', defaultValue: -1.5, min: -100, max: 100, help: 'Where every trajectory starts.' },
  { kind: 'number', key: 'startY', urlKey: 'sy', label: 'Start y', defaultValue: 2, min: -100, max: 100, help: 'Where every trajectory starts.' },
  { kind: 'number', key: 'steps', urlKey: 'steps', label: 'Steps', defaultValue: 300, min: 1, max: 10000, integer: true, help: 'How many updates each contestant takes.' },
  { kind: 'number', key: 'speed', urlKey: 'speed', label: 'Speed', defaultValue: 30, min: 1, max: 1000, help: 'Steps per second while playing.' },
] as const satisfies readonly NumberParameter[];

export type LabNumberKey = (typeof LAB_NUMBER_PARAMETERS)[number]['key'];
export type LabSettings = Record<LabNumberKey, number> & { surface: SurfaceId };

export function defaultLab(): LabSettings {
  return {
    surface: SURFACE_PARAMETER.defaultValue,
    ...(Object.fromEntries(LAB_NUMBER_PARAMETERS.map((p) => [p.key, p.defaultValue])) as Record<LabNumberKey, number>),
  };
}

/** Starts are kept to three decimals (a dragged point): links stay short and reproducible. */
export const roundStart = (value: number) => Math.round(value * 1000) / 1000;

// ---- the run -------------------------------------------------------------------------

export interface LabContestant {
  /** Its key ("adam2"). */
  key: string;
  optimizer: OptimizerId;
  hyperparameters: ParameterValues;
  /** Its learning-rate schedule, stepped by the lab's iterations. */
  schedule?: ScheduleSettings;
}

export interface Trajectory {
  readonly key: string;
  /** Positions after 0, 1, 2, ... steps (index 0 is the start). */
  readonly xs: number[];
  readonly ys: number[];
  /** f at each position (without noise). */
  readonly losses: number[];
  /** The step at which x or y left the finite numbers (or grew past 1e6); the path stops before it. */
  divergedAt?: number;
}

export interface LabRun {
  readonly trajectories: readonly Trajectory[];
  /** Steps computed so far (the same for every trajectory; a diverged one stops moving). */
  readonly computed: number;
  /** Computes up to `target` steps (never past what is asked; never recomputes a step). */
  advanceTo(target: number): void;
}

const DIVERGED = 1e6;

export interface LabSetup {
  surface: SurfaceId;
  kappa: number;
  noise: number;
  seed: number;
  start: Point;
  contestants: readonly LabContestant[];
}

export function createLabRun(setup: LabSetup): LabRun {
  const surface = SURFACES[setup.surface];
  const { kappa, noise: sigma, start } = setup;
  const noise = sigma > 0 ? gradientNoise(setup.seed) : undefined;
  const runners: ProgramRunner[] = setup.contestants.map((c) => createProgramRunner(OPTIMIZERS[c.optimizer], c.hyperparameters, [start.x, start.y], c.schedule));
  const trajectories: Trajectory[] = setup.contestants.map((c) => ({ key: c.key, xs: [start.x], ys: [start.y], losses: [surface.value(start.x, start.y, kappa)] }));
  let computed = 0;
  const gradient = new Float64Array(2);
  return {
    trajectories,
    get computed() {
      return computed;
    },
    advanceTo(target) {
      for (; computed < target; ) {
        computed += 1;
        const [nx, ny] = noise ? noise.at(computed) : [0, 0];
        trajectories.forEach((trajectory, i) => {
          if (trajectory.divergedAt !== undefined) return;
          const runner = runners[i];
          const [x, y] = runner.weights;
          const [gx, gy] = surface.gradient(x, y, kappa);
          gradient[0] = gx + sigma * nx;
          gradient[1] = gy + sigma * ny;
          runner.step(gradient);
          const [x1, y1] = runner.weights;
          const loss = surface.value(x1, y1, kappa);
          if (!(Math.abs(x1) < DIVERGED && Math.abs(y1) < DIVERGED && Number.isFinite(loss))) {
            trajectory.divergedAt = computed;
            return;
          }
          trajectory.xs.push(x1);
          trajectory.ys.push(y1);
          trajectory.losses.push(loss);
        });
      }
    },
  };
}

/** The position a trajectory shows at `step` (its last one if it diverged earlier). */
export function positionAt(trajectory: Trajectory, step: number): { x: number; y: number; loss: number; index: number } {
  const index = Math.min(step, trajectory.xs.length - 1);
  return { x: trajectory.xs[index], y: trajectory.ys[index], loss: trajectory.losses[index], index };
}
