/**
 * Finished results as files: JSON (everything needed to show the run again,
 * settings included) and CSV (one row per optimizer and epoch, for spreadsheets).
 * Imported files are untrusted: parseResultsFile validates every field with zod.
 */
import { z } from 'zod';
import { version as APP_VERSION } from '../../package.json';
import { validateExperiment, type ExperimentConfig } from './config';
import type { DivergenceInfo, EpochMetrics, RunStatus } from './metrics';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from './optimizers';
import { encodeExperimentUrl } from './urlState';
import { defaultView } from './view';

export const RESULTS_FORMAT = 'optimizer-playground-results';
export const RESULTS_VERSION = 1;
/** Far above any real export (100 epochs x 5 optimizers is ~100 KB). */
export const MAX_RESULTS_BYTES = 5_000_000;

export interface OptimizerResult {
  optimizer: OptimizerId;
  status: RunStatus;
  divergence?: DivergenceInfo;
  history: EpochMetrics[];
}

export interface ResultsBackend {
  name: string;
  precision: 'float32' | 'float16';
}

export interface ExperimentResults {
  appVersion: string;
  exportedAt: string;
  experiment: ExperimentConfig;
  backend: ResultsBackend | null;
  runs: OptimizerResult[];
}

export function buildResults(experiment: ExperimentConfig, backend: ResultsBackend | null, runs: OptimizerResult[]): ExperimentResults {
  return { appVersion: APP_VERSION, exportedAt: new Date().toISOString(), experiment, backend, runs };
}

export function resultsToJson(results: ExperimentResults): string {
  return `${JSON.stringify(
    {
      format: RESULTS_FORMAT,
      version: RESULTS_VERSION,
      ...results,
      link: encodeExperimentUrl({ config: results.experiment, view: defaultView() }),
    },
    null,
    2,
  )}\n`;
}

const CSV_COLUMNS = ['optimizer', 'epoch', 'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'seconds', 'samples_per_second', 'status', 'backend', 'precision'] as const;

export function resultsToCsv(results: ExperimentResults): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const run of results.runs) {
    for (const m of run.history) {
      lines.push(
        [
          OPTIMIZERS[run.optimizer].label,
          m.epoch,
          m.trainLoss,
          m.trainAccuracy,
          m.testLoss,
          m.testAccuracy,
          m.seconds,
          m.samplesPerSecond,
          run.status,
          results.backend?.name ?? '',
          results.backend?.precision ?? '',
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });
const metricsSchema = z.object({
  epoch: z.number().int().min(1).max(100),
  trainLoss: finite,
  trainAccuracy: z.number().min(0).max(1),
  testLoss: finite,
  testAccuracy: z.number().min(0).max(1),
  seconds: z.number().min(0).max(1e7),
  samplesPerSecond: z.number().min(0).max(1e12),
});
const hyperparameters = z.record(z.string().max(40), z.union([finite, z.boolean()]));
const fileSchema = z.object({
  format: z.literal(RESULTS_FORMAT, { error: 'this is not an Optimizer Playground results file' }),
  version: z.literal(RESULTS_VERSION, { error: `only results format version ${RESULTS_VERSION} can be opened` }),
  appVersion: z.string().max(40),
  exportedAt: z.string().max(40),
  experiment: z.object({
    epochs: z.number(),
    batchSize: z.number(),
    trainExamples: z.number(),
    seed: z.number(),
    optimizers: z.array(z.enum(OPTIMIZER_IDS)).min(1).max(OPTIMIZER_IDS.length),
    hyperparameters: z.object(Object.fromEntries(OPTIMIZER_IDS.map((id) => [id, hyperparameters])) as Record<OptimizerId, typeof hyperparameters>),
  }),
  backend: z.object({ name: z.string().max(20), precision: z.enum(['float32', 'float16']) }).nullable(),
  runs: z
    .array(
      z.object({
        optimizer: z.enum(OPTIMIZER_IDS),
        status: z.enum(['queued', 'training', 'done', 'stopped', 'diverged']),
        divergence: z.object({ epoch: z.number().int().min(1), batch: z.number().int().min(1) }).optional(),
        history: z.array(metricsSchema).max(100),
      }),
    )
    .min(1)
    .max(OPTIMIZER_IDS.length),
});

export type ParseResultsOutcome = { ok: true; results: ExperimentResults } | { ok: false; message: string };

export function parseResultsFile(text: string, fileName = 'The file'): ParseResultsOutcome {
  const name = fileName.length > 60 ? `${fileName.slice(0, 60)}…` : fileName;
  if (text.length > MAX_RESULTS_BYTES) return { ok: false, message: `${name} is too large to be a results file. Nothing was changed.` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: `${name} is not valid JSON. Open a .json file exported by Optimizer Playground. Nothing was changed.` };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? ` (at ${issue.path.join('.').slice(0, 60)})` : '';
    return { ok: false, message: `${name} cannot be opened: ${issue.message}${where}. Nothing was changed.` };
  }
  const { format: _format, version: _version, ...results } = parsed.data;
  const refuse = (why: string): ParseResultsOutcome => ({ ok: false, message: `${name} ${why} Nothing was changed.` });
  // The selection in catalog order, as everywhere else; every optimizer's settings are checked, selected or not.
  const experiment = { ...results.experiment, optimizers: OPTIMIZER_IDS.filter((id) => results.experiment.optimizers.includes(id)) } as ExperimentConfig;
  if (experiment.optimizers.length !== results.experiment.optimizers.length) return refuse('lists an optimizer twice.');
  const problems = validateExperiment({ ...experiment, optimizers: [...OPTIMIZER_IDS] });
  if (problems.length) return refuse(`holds invalid settings: ${problems[0]}`);
  const runs = results.runs.filter((r) => experiment.optimizers.includes(r.optimizer));
  if (runs.length === 0) return refuse('holds no results for the optimizers it selects.');
  if (new Set(runs.map((r) => r.optimizer)).size !== runs.length) return refuse('lists an optimizer twice.');
  for (const run of runs) {
    const inOrder = run.history.every((m, i) => m.epoch === i + 1 && m.epoch <= experiment.epochs);
    if (!inOrder) return refuse(`has epochs out of order for ${OPTIMIZERS[run.optimizer].label}.`);
  }
  runs.sort((a, b) => OPTIMIZER_IDS.indexOf(a.optimizer) - OPTIMIZER_IDS.indexOf(b.optimizer));
  return { ok: true, results: { ...results, experiment, runs } as ExperimentResults };
}
