/**
 * Finished results as files: JSON (everything needed to show the run again,
 * settings included) and CSV (one row per optimizer and epoch, for spreadsheets).
 * Imported files are untrusted: parseResultsFile validates every field with zod.
 */
import { z } from 'zod';
import { version as APP_VERSION } from '../../package.json';
import { BACKEND_NAMES } from './backends';
import { validateExperiment, type ExperimentConfig } from './config';
import { contestantKey, contestantName, parseContestantKey, sortContestants, MAX_CONTESTANTS, MAX_PER_OPTIMIZER, type Contestant } from './contestants';
import type { DivergenceInfo, EpochMetrics, RunStatus } from './metrics';
import { articleNetwork, ACTIVATIONS, NETWORK_LIMITS } from './network';
import { OPTIMIZER_IDS, optimizerDefaults, withKnobDefaults } from './optimizers';
import { SCHEDULE_KINDS } from './schedules';
import { encodeExperimentUrl } from './urlState';
import { defaultView } from './view';

export const RESULTS_FORMAT = 'optimizer-playground-results';
/** Bump when the format changes, and add the step from the old version to RESULTS_MIGRATIONS. */
export const RESULTS_VERSION = 2;
/** Far above any real export (100 epochs x 12 contestants is ~250 KB). */
export const MAX_RESULTS_BYTES = 5_000_000;

export interface ContestantResult {
  /** contestantKey() of the contestant in the experiment: "adam", "adam2". */
  contestant: string;
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
  runs: ContestantResult[];
}

export function buildResults(experiment: ExperimentConfig, backend: ResultsBackend | null, runs: ContestantResult[]): ExperimentResults {
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

const CSV_COLUMNS = ['contestant', 'optimizer', 'epoch', 'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy', 'seconds', 'samples_per_second', 'status', 'backend', 'precision'] as const;

export function resultsToCsv(results: ExperimentResults): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const run of results.runs) {
    const contestant = results.experiment.contestants.find((c) => contestantKey(c) === run.contestant);
    if (!contestant) continue;
    for (const m of run.history) {
      lines.push(
        [
          contestantName(contestant),
          contestant.optimizer,
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
/** A learning-rate schedule (absent: constant); its values are checked by validateExperiment. */
const scheduleSchema = z.object({ kind: z.enum(SCHEDULE_KINDS), values: z.record(z.string().max(40), z.union([finite, z.boolean(), z.array(finite).max(20)])) }).optional();
const statusSchema = z.enum(['queued', 'training', 'done', 'stopped', 'diverged']);
const divergenceSchema = z.object({ epoch: z.number().int().min(1), batch: z.number().int().min(1) }).optional();
const header = {
  format: z.literal(RESULTS_FORMAT, { error: 'this is not an Optimizer Playground results file' }),
  appVersion: z.string().max(40),
  exportedAt: z.string().max(40),
  backend: z.object({ name: z.enum(BACKEND_NAMES, { error: 'names no backend this app has' }), precision: z.enum(['float32', 'float16']) }).nullable(),
};
const training = { epochs: z.number(), batchSize: z.number(), trainExamples: z.number(), seed: z.number() };

/** Version 1 (one run per optimizer, the five of the time, the article's network), frozen as it was written. */
const V1_OPTIMIZERS = ['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop'] as const;
const v1Schema = z.object({
  ...header,
  version: z.literal(1),
  experiment: z.object({
    ...training,
    optimizers: z.array(z.enum(V1_OPTIMIZERS)).min(1).max(V1_OPTIMIZERS.length),
    hyperparameters: z.object(Object.fromEntries(V1_OPTIMIZERS.map((id) => [id, hyperparameters])) as Record<(typeof V1_OPTIMIZERS)[number], typeof hyperparameters>),
  }),
  runs: z
    .array(z.object({ optimizer: z.enum(V1_OPTIMIZERS), status: statusSchema, divergence: divergenceSchema, history: z.array(metricsSchema).max(100) }))
    .min(1)
    .max(V1_OPTIMIZERS.length),
});

const v2Schema = z.object({
  ...header,
  version: z.literal(2),
  experiment: z.object({
    ...training,
    network: z.object({
      hiddenLayers: z.array(z.number().int().min(NETWORK_LIMITS.minUnits).max(NETWORK_LIMITS.maxUnits)).max(NETWORK_LIMITS.maxHiddenLayers),
      activation: z.enum(ACTIVATIONS),
    }),
    contestants: z
      .array(z.object({ optimizer: z.enum(OPTIMIZER_IDS), ordinal: z.number().int().min(1).max(MAX_CONTESTANTS), selected: z.boolean(), hyperparameters, schedule: scheduleSchema }))
      .min(1)
      .max(OPTIMIZER_IDS.length * MAX_PER_OPTIMIZER),
  }),
  runs: z
    .array(z.object({ contestant: z.string().max(20).refine((key) => parseContestantKey(key) !== undefined, { error: 'names no known contestant' }), status: statusSchema, divergence: divergenceSchema, history: z.array(metricsSchema).max(100) }))
    .min(1)
    .max(MAX_CONTESTANTS),
});

/**
 * Each step turns a validated file of version k into one of version k + 1; a file
 * is read by validating it as its own version, then walking these to the current one.
 */
const RESULTS_MIGRATIONS = {
  /** 1 → 2: each optimizer becomes its first contestant; the network was the article's. */
  1: (file: z.infer<typeof v1Schema>): z.input<typeof v2Schema> => ({
    ...file,
    version: 2,
    experiment: {
      epochs: file.experiment.epochs,
      batchSize: file.experiment.batchSize,
      trainExamples: file.experiment.trainExamples,
      seed: file.experiment.seed,
      network: articleNetwork(),
      contestants: V1_OPTIMIZERS.map((id) => ({
        optimizer: id,
        ordinal: 1,
        selected: file.experiment.optimizers.includes(id),
        hyperparameters: file.experiment.hyperparameters[id],
      })),
    },
    runs: file.runs.map(({ optimizer, ...run }) => ({ contestant: optimizer, ...run })),
  }),
};

const SCHEMAS = { 1: v1Schema, 2: v2Schema } as const;

export type ParseResultsOutcome = { ok: true; results: ExperimentResults } | { ok: false; message: string };

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.length ? ` (at ${issue.path.join('.').slice(0, 60)})` : '';
  return `${issue.message}${where}`;
}

/** Validates a parsed file as the version it says it is and brings it to the current version. */
function readAnyVersion(json: unknown): { ok: true; file: z.infer<typeof v2Schema> } | { ok: false; why: string } {
  const format = z.object({ format: header.format }).safeParse(json);
  if (!format.success) return { ok: false, why: describeIssue(format.error) };
  const version = (json as { version?: unknown }).version;
  if (version !== 1 && version !== 2) {
    return { ok: false, why: `only results format versions 1 to ${RESULTS_VERSION} can be opened, and this file says ${JSON.stringify(version)?.slice(0, 20) ?? 'nothing'}` };
  }
  if (version === 1) {
    const v1 = SCHEMAS[1].safeParse(json);
    if (!v1.success) return { ok: false, why: describeIssue(v1.error) };
    json = RESULTS_MIGRATIONS[1](v1.data);
  }
  const current = SCHEMAS[2].safeParse(json);
  return current.success ? { ok: true, file: current.data } : { ok: false, why: describeIssue(current.error) };
}

export function parseResultsFile(text: string, fileName = 'The file'): ParseResultsOutcome {
  const name = fileName.length > 60 ? `${fileName.slice(0, 60)}…` : fileName;
  if (text.length > MAX_RESULTS_BYTES) return { ok: false, message: `${name} is too large to be a results file. Nothing was changed.` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: `${name} is not valid JSON. Open a .json file exported by Optimizer Playground. Nothing was changed.` };
  }
  const read = readAnyVersion(json);
  if (!read.ok) return { ok: false, message: `${name} cannot be opened: ${read.why}. Nothing was changed.` };
  const { format: _format, version: _version, ...results } = read.file;
  const refuse = (why: string): ParseResultsOutcome => ({ ok: false, message: `${name} ${why} Nothing was changed.` });

  const listed: Contestant[] = results.experiment.contestants.map(({ schedule, ...c }) => ({
    ...c,
    hyperparameters: withKnobDefaults(c.optimizer, c.hyperparameters),
    ...(schedule && schedule.kind !== 'constant' ? { schedule } : {}),
  }));
  const keys = listed.map(contestantKey);
  if (new Set(keys).size !== keys.length) return refuse('lists a contestant twice.');
  // Optimizers the catalog gained since the file was written join as unselected first contestants.
  const missing = OPTIMIZER_IDS.filter((id) => !listed.some((c) => c.optimizer === id && c.ordinal === 1));
  const contestants = sortContestants([...listed, ...missing.map((optimizer) => ({ optimizer, ordinal: 1, selected: false, hyperparameters: optimizerDefaults(optimizer) }))]);
  const experiment: ExperimentConfig = { ...results.experiment, contestants };
  const problems = validateExperiment(experiment);
  if (problems.length) return refuse(`holds invalid settings: ${problems[0]}`);

  const selected = new Set(contestants.filter((c) => c.selected).map(contestantKey));
  const runs = results.runs.filter((r) => selected.has(r.contestant));
  if (runs.length === 0) return refuse('holds no results for the contestants it selects.');
  if (new Set(runs.map((r) => r.contestant)).size !== runs.length) return refuse('lists a contestant twice.');
  for (const run of runs) {
    const inOrder = run.history.every((m, i) => m.epoch === i + 1 && m.epoch <= experiment.epochs);
    const ref = parseContestantKey(run.contestant);
    if (!inOrder) return refuse(`has epochs out of order for ${ref ? contestantName(ref) : run.contestant}.`);
  }
  const order = contestants.map(contestantKey);
  runs.sort((a, b) => order.indexOf(a.contestant) - order.indexOf(b.contestant));
  return { ok: true, results: { ...results, experiment, runs } };
}
