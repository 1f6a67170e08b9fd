import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, type ExperimentConfig } from './config';
import { sortContestants } from './contestants';
import { BASE_OPTIMIZER_SETTINGS, OPTIMIZER_EXPORTS } from './exportOptimizers';
import { exportScript, pythonLiteral, PythonFloat, SCRIPT_ENGINES, type ScriptEngine } from './exportScripts';
import { OPTIMIZER_IDS, OPTIMIZERS } from './optimizers';
import { RESULTS_FORMAT, RESULTS_VERSION } from './resultsFile';

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
  config.contestants = sortContestants([...config.contestants, { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...config.contestants[1].hyperparameters, learningRate: 0.01 } }]);
  return config;
}

/** The line of the script's OPTIMIZERS table that builds `id`. */
const constructorLine = (script: string, id: string) => script.split('\n').find((line) => line.startsWith(`    "${id}": lambda`)) ?? '';

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
        expect(constructorLine(keras, id), `Keras: ${id}.${key} has no argument in exportOptimizers.ts`).toContain(`=hp["${key}"]`);
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
  });

  it('writes Python literals that read back as the same data', () => {
    const config = everyOptimizer();
    const literal = pythonLiteral(config);
    const asJson = literal.replace(/,(\s*[\]}])/g, "$1").replace(/\bTrue\b/g, "true").replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null');
    expect(JSON.parse(asJson)).toEqual(config);
    expect(pythonLiteral([1e-7, 0.001, 42, null, 'a"b'])).toBe('[1e-7, 0.001, 42, None, "a\\"b"]');
    // Real-valued settings are Python floats: Keras refuses momentum=0 (an int).
    expect(pythonLiteral([new PythonFloat(0), new PythonFloat(1), new PythonFloat(1e-7), new PythonFloat(0.9), new PythonFloat(1e21)])).toBe('[0.0, 1.0, 1e-7, 0.9, 1e+21]');
    expect(exportScript('keras', defaultExperiment(), LINK)).toContain('"hyperparameters": {"learningRate": 0.01, "momentum": 0.0, "nesterov": False}');
    expect(() => pythonLiteral(Number.NaN)).toThrow();
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
  if (!hasPython) it.skip('python3 is not installed here, so py_compile cannot check the scripts', () => {});
});
