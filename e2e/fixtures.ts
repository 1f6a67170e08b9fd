import { readFileSync, writeFileSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every page fails its test on a console error or an uncaught exception, except
 * the ones a test declares it provokes (e.g. the browser's own 404 line).
 */
export const test = base.extend<{ expectedConsoleErrors: RegExp | null; consoleErrors: string[] }>({
  // One pattern (use alternation for several): Playwright reads an array option as [value, options].
  expectedConsoleErrors: [null, { option: true }],
  consoleErrors: [
    async ({ page, expectedConsoleErrors }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !expectedConsoleErrors?.test(message.text())) errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function waitForData(page: Page) {
  await expect(page.getByText(/MNIST ready: 60,000 training and 10,000 test images/)).toBeVisible({ timeout: 60_000 });
}

/** Ticks exactly the named optimizers (shared with the bench and reproduce scripts). */
export { selectOptimizers as selectOnly, download, trainToEnd } from '../scripts/headlessApp';

/**
 * What a chart draws: each line's label and point count ("Adam test" → 5). The canvas
 * cannot be read, so the chart states its lines in `data-series`; raw curves end " (raw)".
 */
export async function drawnSeries(page: Page, chart: 'Loss' | 'Accuracy'): Promise<Record<string, number>> {
  const text = (await page.getByRole('figure', { name: chart }).locator('.chart__plot').getAttribute('data-series')) ?? '';
  return Object.fromEntries(
    text
      .split(';')
      .filter(Boolean)
      .map((entry) => {
        const at = entry.lastIndexOf(':');
        return [entry.slice(0, at), Number(entry.slice(at + 1))];
      }),
  );
}

/** The lines of a chart of one kind ('test', 'train' or 'raw'), with their point counts. */
export async function drawnLines(page: Page, chart: 'Loss' | 'Accuracy', split: 'test' | 'train' | 'raw'): Promise<number[]> {
  const series = await drawnSeries(page, chart);
  const suffix = { test: ' test', train: ' train', raw: ' train (raw)' }[split];
  return Object.entries(series)
    .filter(([label]) => label.endsWith(suffix))
    .map(([, count]) => count);
}

type Metrics = { epoch: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number };

/** A results file's learning curves, without the timings (which differ from run to run). */
export const learningCurves = (json: string) =>
  (JSON.parse(json).runs as { contestant: string; history: Metrics[] }[]).map((r) => ({
    contestant: r.contestant,
    history: r.history.map(({ epoch, trainLoss, trainAccuracy, testLoss, testAccuracy }) => ({ epoch, trainLoss, trainAccuracy, testLoss, testAccuracy })),
  }));

/** Waits for the header's line saying the service worker holds the app (specs that allow service workers). */
export async function waitForOfflineReady(page: Page) {
  await expect(page.getByRole('status', { name: 'Offline use' })).toHaveText('Ready to work offline', { timeout: 120_000 });
}

/**
 * Deploys a new version, as far as the service worker can tell (its precache list names a
 * new revision of index.html, as after a rebuild), and has the page look for it. The preview
 * server reads dist/ on every request. Returns the undo, for a `finally`.
 */
export async function deployNewVersion(page: Page): Promise<() => void> {
  const file = 'dist/sw.js';
  const original = readFileSync(file, 'utf8');
  const changed = original.replace(/(\{url:"index\.html",revision:")([0-9a-f])/, (_, head: string, digit: string) => `${head}${digit === '0' ? '1' : '0'}`);
  expect(changed, 'dist/sw.js precaches index.html by revision').not.toBe(original);
  writeFileSync(file, changed);
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((registration) => registration!.update()));
  return () => writeFileSync(file, original);
}
