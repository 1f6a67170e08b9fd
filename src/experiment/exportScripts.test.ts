import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, type ExperimentConfig } from './config';
import { sortContestants } from './contestants';
import { BASE_OPTIMIZER_SETTINGS, OPTIMIZER_EXPORTS, SCHEDULE_EXPORTS } from './exportOptimizers';
import { exportScript, pythonLiteral, PythonFloat, SCRIPT_ENGINES, type ScriptEngine } from './exportScripts';
import { OPTIMIZER_IDS, OPTIMIZERS } from './optimizers';
import { RESULTS_FORMAT, RESULTS_VERSION } from './resultsFile';
import { defaultSchedule, learningRateAt, SCHEDULE_KINDS, SCHEDULES, type ScheduleSettings } from './schedules';

const LINK = 'https://example.org/optimizer-playground/?v=2';
const GOLDEN_DIR = join(import.meta.dirname, 'fixtures', 'export');
const REGENERATE = 'UPDATE_GOLDENS=1 npx vitest run src/experiment/exportScripts.test.ts';

/** Every optimizer selected, each at settings unlike its defaults where a flag can flip. */
function everyOptimizer(): ExperimentConfig {
  const config = defaultExperiment();
  config.network = { hiddenLayers: [64, 32], activation: 'tanh' };
  for (const contestant of config.contestants) {
    contestant.selected = true;
    for (const spec of OPTIMIZERS[contestant.optimizer].parameters) if (spec.kind === 'boolean') contestant.hyperparameters[spec.key] = true;
  }
  config.contestants = sortContestants([
    ...config.contestants,
    { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...config.contestants[1].hyperparameters, learningRate: 0.01, clipNorm: 1 }, schedule: defaultSchedule('cosine') },
  ]);
  return config;
}

/** The line of the script's OPTIMIZERS table that builds `id`. */
const constructorLine = (script: string, id: string) => script.split('\n').find((line) => line.startsWith(`    "${id}": lambda`)) ?? '';

// .ci/run installs Debian's python3, so CI always runs these; without python3 they are reported as skipped.
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('exported scripts', () => {
  it.each(SCRIPT_ENGINES)('the article experiment as a %s script equals its golden file', (engine: ScriptEngine) => {
    const script = exportScript(engine, defaultExperiment(), LINK);
    const golden = join(GOLDEN_DIR, `article-${engine}.py`);
    if (process.env.UPDATE_GOLDENS) writeFileSync(golden, script);
    expect(script, `the ${engine} script changed; if that is intended, regenerate the golden files with ${REGENERATE} and review the diff`).toBe(readFileSync(golden, 'utf8'));
  });

  it.each(SCRIPT_ENGINES)('a %s script carries the link, every selected contestant and the results header the importer accepts', (engine) => {
    const config = everyOptimizer();
    const script = exportScript(engine, config, LINK);
    expect(script).toContain(`LINK = "${LINK}"`);
    expect(script.split('\n').filter((line) => line === LINK)).toHaveLength(1);
    expect(script).toContain(`RESULTS_HEADER = {"format": "${RESULTS_FORMAT}", "version": ${RESULTS_VERSION}, "appVersion": `);
    for (const id of OPTIMIZER_IDS) expect(constructorLine(script, id), id).not.toBe('');
    expect(script).toMatch(/"optimizer": "adam",\s+"ordinal": 2,\s+"selected": True/);
    // Only the optimizers that train are built.
    const two = defaultExperiment();
    two.contestants.forEach((c) => (c.selected = c.optimizer === 'lion' || c.optimizer === 'sgd'));
    const small = exportScript(engine, two, LINK);
    expect(OPTIMIZER_IDS.filter((id) => constructorLine(small, id))).toEqual(['sgd', 'lion']);
  });

  it('maps every hyperparameter of every optimizer to Keras and to PyTorch, and nothing else', () => {
    const keras = exportScript('keras', everyOptimizer(), LINK);
    const torch = exportScript('pytorch', everyOptimizer(), LINK);
    for (const id of OPTIMIZER_IDS) {
      const keys = OPTIMIZERS[id].parameters.map((p) => p.key);
      for (const key of keys) {
        // The learning rate reaches Keras as lr: the number, or the schedule built from it.
        expect(constructorLine(keras, id), `Keras: ${id}.${key} has no argument in exportOptimizers.ts`).toContain(key === 'learningRate' ? 'learning_rate=lr' : `=hp["${key}"]`);
        const inTorch = constructorLine(torch, id).includes(`hp["${key}"]`) || (key in BASE_OPTIMIZER_SETTINGS && torch.includes(`hp.get("${key}")`));
        expect(inTorch, `PyTorch: ${id}.${key} has no mapping in exportOptimizers.ts`).toBe(true);
      }
      const used = [...constructorLine(keras, id).matchAll(/hp\["(\w+)"\]/g), ...constructorLine(torch, id).matchAll(/hp\["(\w+)"\]/g)].map((m) => m[1]);
      for (const key of used) expect(keys, `${id} maps "${key}", which it does not have`).toContain(key);
      const { torch: entry } = OPTIMIZER_EXPORTS[id];
      if ('rule' in entry) expect(torch).toContain(`class ${entry.rule.className}(KerasRule):`);
      else expect(entry.optim).toMatch(/^torch\.optim\./);
    }
    // Each rule class is written once, however many optimizers use it (Adam and AdamW).
    expect(torch.split('class KerasAdam(KerasRule):')).toHaveLength(2);
    // Keras refuses two clip arguments even when one is 0: off is None.
    expect(constructorLine(keras, 'sgd')).toContain('clipnorm=hp["clipNorm"] or None, global_clipnorm=hp["globalClipNorm"] or None, clipvalue=hp["clipValue"] or None, weight_decay=hp["weightDecay"]');
  });

  it('maps every learning-rate schedule and each of its values to Keras and to PyTorch', () => {
    const config = defaultExperiment();
    const scheduled = SCHEDULE_KINDS.filter((kind) => kind !== 'constant');
    config.contestants = sortContestants(
      scheduled.map((kind, i) => ({ optimizer: 'adam' as const, ordinal: i + 1, selected: true, hyperparameters: config.contestants[1].hyperparameters, schedule: defaultSchedule(kind) })),
    );
    const keras = exportScript('keras', config, LINK);
    const torch = exportScript('pytorch', config, LINK);
    for (const kind of scheduled) {
      const kerasLine = keras.split('\n').find((line) => line.startsWith(`    "${kind}": lambda lr, v: keras.optimizers.schedules.`)) ?? '';
      const name = /"(\w+)"/.exec(torch.split('\n').find((line) => line.startsWith(`    "${kind}": `)) ?? '')?.[0];
      expect(kerasLine, `Keras has no ${kind} schedule`).not.toBe('');
      expect(torch.split('\n').some((line) => line.startsWith(`    "${kind}": `)), `PyTorch has no ${kind} schedule (${name})`).toBe(true);
      const torchFunction = SCHEDULE_EXPORTS[kind].torch;
      expect(torch).toContain(torchFunction);
      for (const field of SCHEDULES[kind].fields) {
        expect(kerasLine, `Keras: the ${kind} schedule's ${field.key}`).toContain(`v["${field.key}"]`);
        expect(torchFunction, `PyTorch: the ${kind} schedule's ${field.key}`).toContain(`v["${field.key}"]`);
      }
      if (kind !== 'piecewise') expect(kerasLine).toContain('initial_learning_rate=lr');
    }
    // The training step sets the rate before every update, from the steps already taken.
    expect(torch).toContain('group["lr"] = SCHEDULES[self.schedule["kind"]](self.hp["learningRate"], self.schedule["values"], self.iterations)');
    // Integer settings stay ints (Keras counts steps), real ones are floats.
    expect(keras).toMatch(/"kind": "exponential",\s*"values": \{\s*"decaySteps": 1000,\s*"decayRate": 0\.96,\s*"staircase": False\s*\}/);
    expect(keras).toMatch(/"boundaries": \[1000, 2000\],\s*"values": \[0\.001, 0\.0005, 0\.0001\]/);
  });

  it('writes Python literals that read back as the same data', () => {
    const config = everyOptimizer();
    const literal = pythonLiteral(config);
    const asJson = literal.replace(/,(\s*[\]}])/g, "$1").replace(/\bTrue\b/g, "true").replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null');
    expect(JSON.parse(asJson)).toEqual(config);
    expect(pythonLiteral([1e-7, 0.001, 42, null, 'a"b'])).toBe('[1e-7, 0.001, 42, None, "a\\"b"]');
    // Real-valued settings are Python floats: Keras refuses momentum=0 (an int).
    expect(pythonLiteral([new PythonFloat(0), new PythonFloat(1), new PythonFloat(1e-7), new PythonFloat(0.9), new PythonFloat(1e21)])).toBe('[0.0, 1.0, 1e-7, 0.9, 1e+21]');
    expect(exportScript('keras', defaultExperiment(), LINK)).toMatch(/"hyperparameters": \{\s*"learningRate": 0\.01,\s*"momentum": 0\.0,\s*"nesterov": False,\s*"weightDecay": 0\.0,/);
    expect(() => pythonLiteral(Number.NaN)).toThrow();
  });

  it.skipIf(!hasPython)("the PyTorch script's schedules give the app's learning rate at every step", () => {
    const cases: ScheduleSettings[] = [
      ...SCHEDULE_KINDS.filter((kind) => kind !== 'constant').map((kind) => defaultSchedule(kind)),
      { kind: 'exponential', values: { decaySteps: 7, decayRate: 0.5, staircase: true } },
      { kind: 'inverseTime', values: { decaySteps: 3, decayRate: 2, staircase: true } },
      { kind: 'polynomial', values: { decaySteps: 10, endLearningRate: 0.0001, power: 0.5, cycle: true } },
      { kind: 'cosine', values: { decaySteps: 20, alpha: 0.1, warmupSteps: 5, warmupTarget: 0.01 } },
      { kind: 'cosineRestarts', values: { decaySteps: 6, tMul: 1, mMul: 0.5, alpha: 0.05 } },
    ];
    const steps = [0, 1, 2, 4, 5, 6, 7, 13, 25, 999, 1000, 1001, 2500, 10_000];
    const functions = [...new Set(cases.map((c) => SCHEDULE_EXPORTS[c.kind as Exclude<typeof c.kind, 'constant'>].torch))].join('\n\n\n');
    const names = Object.fromEntries(cases.map((c) => [c.kind, /^def (\w+)/.exec(SCHEDULE_EXPORTS[c.kind as Exclude<typeof c.kind, 'constant'>].torch)![1]]));
    const program = `import json, math, sys\n${functions}\nNAMES = ${JSON.stringify(names)}\ncases, steps = json.loads(sys.argv[1])\nprint(json.dumps([[globals()[NAMES[c["kind"]]](0.001, c["values"], s) for s in steps] for c in cases]))`;
    const run = spawnSync('python3', ['-c', program, JSON.stringify([cases, steps])], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const rates = JSON.parse(run.stdout) as number[][];
    cases.forEach((schedule, i) =>
      steps.forEach((step, j) => expect(rates[i][j], `${schedule.kind} at step ${step}`).toBeCloseTo(learningRateAt(schedule, 0.001, step), 15)),
    );
  });

  it.skipIf(!hasPython)('the scripts are valid Python (python3 -m py_compile)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-scripts-'));
    const files = SCRIPT_ENGINES.flatMap((engine) =>
      [defaultExperiment(), everyOptimizer()].map((config, i) => {
        const file = join(dir, `${engine}-${i}.py`);
        writeFileSync(file, exportScript(engine, config, LINK));
        return file;
      }),
    );
    const compiled = spawnSync('python3', ['-m', 'py_compile', ...files], { encoding: 'utf8' });
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
  });
});
