/**
 * `npm run bench`: builds the app, serves the production build, and trains in
 * headless Chromium the way a user would (through the page), measuring:
 *   - all five optimizers, one epoch of full MNIST (the figure that matters);
 *   - the baseline, in the same run: Adam alone, one epoch.
 * Prints a table, then the same data as one JSON object on the last line.
 * Options: --no-build, --epochs N (default 1), --examples N (default 60000).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EPOCHS = option('--epochs', 1);
const EXAMPLES = option('--examples', 60_000);
const PORT = 4199;
const ALL = ['SGD', 'Adam', 'Adagrad', 'Adadelta', 'RMSprop'];

interface ScenarioResult {
  name: string;
  optimizers: string[];
  wallSeconds: number;
  firstProgressSeconds: number;
  secondsPerEpoch: Record<string, number>;
  testAccuracy: Record<string, number>;
}

async function waitForServer(url: string, server: ChildProcess) {
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) throw new Error('vite preview exited early');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not start`);
}

async function scenario(page: Page, name: string, optimizers: string[]): Promise<ScenarioResult> {
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.getByText(/MNIST ready/).waitFor({ timeout: 120_000 });
  for (const label of ALL) await page.getByRole('checkbox', { name: label, exact: true }).setChecked(optimizers.includes(label));
  await page.getByLabel('Epochs').fill(String(EPOCHS));
  await page.getByLabel('Training examples').fill(String(EXAMPLES));
  const started = Date.now();
  await page.getByRole('button', { name: 'Train' }).click();
  await page.getByText(/samples\/s/).waitFor({ timeout: 120_000 });
  const firstProgressSeconds = (Date.now() - started) / 1000;
  await page.getByText('Training finished.').waitFor({ timeout: 1_800_000 });
  const wallSeconds = (Date.now() - started) / 1000;
  const secondsPerEpoch: Record<string, number> = {};
  const testAccuracy: Record<string, number> = {};
  for (const label of optimizers) {
    const cells = page.getByRole('table').getByRole('row', { name: new RegExp(`^${label}\\b`) }).getByRole('cell');
    testAccuracy[label] = parseFloat(await cells.nth(4).innerText()) / 100;
    secondsPerEpoch[label] = parseFloat(await cells.nth(7).innerText());
  }
  return { name, optimizers, wallSeconds, firstProgressSeconds, secondsPerEpoch, testAccuracy };
}

async function main() {
  if (!args.includes('--no-build')) {
    const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    await waitForServer(`http://127.0.0.1:${PORT}/`, server);
    const page = await browser.newPage();
    const backend = await (async () => {
      await page.goto(`http://127.0.0.1:${PORT}/`);
      const badge = page.getByRole('status', { name: 'Backend' });
      await badge.getByText(/Backend:/).waitFor();
      return (await badge.innerText()).replace(/\s+/g, ' ');
    })();
    const baseline = await scenario(page, 'baseline: Adam alone', ['Adam']);
    const allFive = await scenario(page, 'all five optimizers', ALL);

    console.log(`\nMachine: ${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores; ${backend}`);
    console.log(`Workload: ${EPOCHS} epoch(s) of ${EXAMPLES.toLocaleString('en-US')} examples, batch 128, plus evaluation on 10,000 test images per epoch.\n`);
    console.log('scenario                 | wall s | first progress s | optimizer | s/epoch | samples/s | test acc');
    console.log('-------------------------|--------|------------------|-----------|---------|-----------|---------');
    for (const r of [baseline, allFive]) {
      r.optimizers.forEach((label, i) => {
        const head = i === 0 ? `${r.name.padEnd(24)} | ${r.wallSeconds.toFixed(1).padStart(6)} | ${r.firstProgressSeconds.toFixed(2).padStart(16)}` : `${''.padEnd(24)} | ${''.padStart(6)} | ${''.padStart(16)}`;
        const s = r.secondsPerEpoch[label];
        console.log(`${head} | ${label.padEnd(9)} | ${s.toFixed(2).padStart(7)} | ${Math.round(EXAMPLES / s).toLocaleString('en-US').padStart(9)} | ${(r.testAccuracy[label] * 100).toFixed(2)} %`);
      });
    }
    const ratio = allFive.wallSeconds / baseline.wallSeconds;
    console.log(`\nAll five vs Adam alone (same run): ${ratio.toFixed(2)}x the wall time for 5x the work.`);
    console.log(
      JSON.stringify({
        backend,
        epochs: EPOCHS,
        examples: EXAMPLES,
        all_five_one_epoch_s: allFive.wallSeconds / EPOCHS,
        baseline_adam_one_epoch_s: baseline.wallSeconds / EPOCHS,
        ratio_all_five_to_baseline: ratio,
        first_progress_s: allFive.firstProgressSeconds,
        seconds_per_epoch: allFive.secondsPerEpoch,
        test_accuracy: allFive.testAccuracy,
      }),
    );
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid);
  }
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
