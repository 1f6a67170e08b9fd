import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test, waitForData } from './fixtures';

/** The shard files of the build under test (the preview serves dist/). */
const SHARD_FILES: string[] = JSON.parse(readFileSync('dist/data/mnist/manifest.json', 'utf8')).shards.map((s: { file: string }) => s.file);

/** Counts every request for the dataset, the workers' included (they show on the context, not the page). */
function countDataRequests(context: BrowserContext) {
  const counts = new Map<string, number>();
  context.on('request', (request) => {
    const file = /\/data\/mnist\/([^/?#]+)$/.exec(new URL(request.url()).pathname)?.[1];
    if (file) counts.set(file, (counts.get(file) ?? 0) + 1);
  });
  return counts;
}

/** Diagnostics, measured until both workers hold the dataset (the helper gets it just after the primary). */
async function expectDataSharing(page: Page, line: string) {
  await page.getByText('Diagnostics').click();
  await expect(async () => {
    await page.getByRole('button', { name: 'Measure memory' }).click();
    await expect(page.getByRole('status', { name: 'Dataset sharing' })).toHaveText(line, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole('status', { name: 'Worker memory' })).toContainText('in 2 workers');
}

/** Adam on one worker, SGD on the other: both must finish and learn (thresholds as in train.spec.ts). */
async function trainOnTwoWorkers(page: Page) {
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 120_000 });
  const table = page.getByRole('table');
  for (const [name, least] of [['Adam', 80], ['SGD', 20]] as const) {
    const row = table.getByRole('row', { name: new RegExp(`^${name}\\b`) });
    await expect(row.getByRole('cell').first()).toHaveText('done');
    expect(parseFloat(await row.getByRole('cell').nth(4).innerText()), `${name} test accuracy`).toBeGreaterThan(least);
  }
}

const EXPERIMENT = '/?v=1&opt=sgd,adam&epochs=2&examples=2000#workers=2';

test('cross-origin isolated: one download, shared with the helper in memory, and two workers train', async ({ page, context }) => {
  const requests = countDataRequests(context);
  const response = await page.goto(EXPERIMENT);
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await waitForData(page);
  await expectDataSharing(page, 'Cross-origin isolated: dataset downloaded once, shared with 1 helper (SharedArrayBuffer).');
  await trainOnTwoWorkers(page);

  expect(SHARD_FILES.length).toBeGreaterThan(0);
  expect(Object.fromEntries(requests)).toEqual(Object.fromEntries(['manifest.json', ...SHARD_FILES].map((file) => [file, 1])));
});

test('without isolation (headers stripped): still one download, one copy per helper, and two workers train', async ({ page, context }) => {
  const requests = countDataRequests(context);
  // As a static host that sends no COOP/COEP would serve the page.
  await page.route(
    (url) => url.pathname === '/',
    async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    },
  );
  const response = await page.goto(EXPERIMENT);
  expect(response?.headers()['cross-origin-embedder-policy']).toBeUndefined();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('undefined');

  await waitForData(page);
  await expectDataSharing(page, 'Not cross-origin isolated: dataset downloaded once, copied once per helper (1 helper).');
  await trainOnTwoWorkers(page);

  expect(Object.fromEntries(requests)).toEqual(Object.fromEntries(['manifest.json', ...SHARD_FILES].map((file) => [file, 1])));
});

test.describe('a host that isolates the page but not the worker script', () => {
  // Chromium's own lines about the blocked script; the app's reaction is what is tested.
  test.use({ expectedConsoleErrors: /Cross-Origin-Embedder-Policy|ERR_BLOCKED_BY_RESPONSE|Failed to load resource/ });

  test('is named after a few attempts instead of restarting the worker forever', async ({ page }) => {
    let workerRequests = 0;
    await page.route('**/assets/train.worker-*.js', async (route) => {
      workerRequests += 1;
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-embedder-policy'];
      delete headers['cross-origin-opener-policy'];
      await route.fulfill({ response, headers });
    });
    await page.goto('/');
    const alert = page.getByRole('alert').filter({ hasText: 'Training cannot start.' });
    await expect(alert).toContainText('The training worker could not start, several times in a row');
    await expect(alert).toContainText('Cross-Origin-Embedder-Policy');
    await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
    // Three attempts, then quiet: no restart loop.
    const attempts = workerRequests;
    await page.waitForTimeout(2_000);
    expect(workerRequests).toBe(attempts);
    expect(attempts).toBeLessThanOrEqual(3);
  });
});
