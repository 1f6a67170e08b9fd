/**
 * Experiments for tests, written the short way: which optimizers train (their first
 * contestants), plus any other overrides.
 */
import { defaultExperiment, type ExperimentConfig } from '../experiment/config';
import { contestantKey, type Contestant } from '../experiment/contestants';
import type { OptimizerId } from '../experiment/optimizers';
import type { ParameterValues } from '../experiment/parameters';

export type ExperimentOverrides = Partial<ExperimentConfig> & {
  /** The optimizers whose first contestants train; the others stay unticked. */
  optimizers?: readonly OptimizerId[];
  /** Hyperparameter changes by optimizer, merged into its first contestant's. */
  hyperparameters?: Partial<Record<OptimizerId, ParameterValues>>;
};

export function experimentWith({ optimizers, hyperparameters, ...overrides }: ExperimentOverrides = {}): ExperimentConfig {
  const config: ExperimentConfig = { ...defaultExperiment(), ...overrides };
  config.contestants = config.contestants.map((c): Contestant => ({
    ...c,
    selected: optimizers ? optimizers.includes(c.optimizer) && c.ordinal === 1 : c.selected,
    hyperparameters: { ...c.hyperparameters, ...(c.ordinal === 1 ? hyperparameters?.[c.optimizer] : undefined) },
  }));
  return config;
}

/** A contestant's hyperparameters by its key ("adam", "adam2"). */
export function hyperparametersOf(config: ExperimentConfig, key: string): ParameterValues {
  const contestant = config.contestants.find((c) => contestantKey(c) === key);
  if (!contestant) throw new Error(`No contestant ${key}.`);
  return contestant.hyperparameters;
}
