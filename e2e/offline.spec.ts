import type { Page } from '@playwright/test';
import { deployNewVersion, download, expect, learningCurves, test, trainToEnd, waitForData, waitForOfflineReady as readyOffline } from './fixtures';

// The one spec with the app's service worker; the others block it (playwright.config.ts),
// since page.route does not see what a service worker answers.
test.use({ serviceWorkers: 'allow' });

const LINK = '/?v=2&opt=sgd,adam&epochs=2&examples=2000';

async function trainAndExport(page: Page) {
  await trainToEnd(page, 120_000);
  const file = await download(page, 'Download JSON');
  return JSON.parse(file.bytes.toString('utf8')) as { backend: unknown; runs: unknown[] };
}

test.describe(() => {
  // The request for a file the cache does not hold, made on purpose at the end, fails as offline requests do.
  test.use({ expectedConsoleErrors: /^Failed to load resource: net::ERR_INTERNET_DISCONNECTED$/ });

  test('after the first visit the app opens and trains with the network cut, to the same numbers, cross-origin isolated', async ({ page, context }) => {
    await page.goto(LINK);
    await waitForData(page);
    await readyOffline(page);
    const online = await trainAndExport(page);

    await context.setOffline(true);
    const response = await page.reload();
    expect(response?.fromServiceWorker(), 'the page came from the service worker').toBe(true);
    // The cached responses keep the headers they were fetched with: shared memory still works.
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await waitForData(page);
    await readyOffline(page);
    // The link's experiment (from the URL), the cached kernel and data: the same numbers.
    await expect(page.getByLabel('Epochs')).toHaveValue('2');
    const offline = await trainAndExport(page);
    expect(offline.backend).toEqual(online.backend);
    expect(learningCurves(JSON.stringify(offline))).toEqual(learningCurves(JSON.stringify(online)));
    expect(learningCurves(JSON.stringify(offline))[1].history).toHaveLength(2);

    // Nothing was fetched from the network: a page the cache does not hold fails as offline pages do.
    expect(await page.evaluate(() => fetch('/not-cached.txt').then(() => 'fetched', () => 'offline'))).toBe('offline');
  });
});

test('a corrupt shard in the cache gets the loader’s own message: its SHA-256 is checked whoever answers', async ({ page }) => {
  await page.goto('/');
  await readyOffline(page);
  await waitForData(page);
  // Damage one byte of the cached labels (same length, so the size check passes and the hash decides).
  const damaged = await page.evaluate(async () => {
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        if (!new URL(request.url).pathname.endsWith('/data/mnist/test-labels.bin')) continue;
        const response = (await cache.match(request))!;
        const body = new Uint8Array(await response.arrayBuffer());
        body[body.length - 5] ^= 0xff;
        await cache.put(request, new Response(body, { headers: response.headers }));
        return request.url;
      }
    }
    return undefined;
  });
  expect(damaged).toMatch(/\/data\/mnist\/test-labels\.bin/);
  await page.reload();
  await expect(page.getByRole('alert')).toContainText('Data shard test-labels.bin is corrupt: its SHA-256 does not match the manifest.');
  await expect(page.getByRole('alert')).toContainText('If it happens again, the copy saved for offline use may be damaged: clear this site’s data');
  await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
});

test('a new version is offered, never applied during a run, and reloads only when the user agrees', async ({ page }) => {
  let undeploy = () => {};
  try {
    await page.goto(LINK);
    await readyOffline(page);
    // A returning visitor: the page is now one the service worker controls, so a new version waits.
    await page.reload();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await waitForData(page);
    // Slowed down, the run is certainly going when the new version arrives.
    const speed = page.getByRole('combobox', { name: 'Speed' });
    await speed.selectOption({ label: '1 batch per second' });
    await page.getByRole('button', { name: 'Train' }).click();

    undeploy = await deployNewVersion(page);

    const offer = page.getByRole('status', { name: 'New version' });
    await expect(offer).toHaveText('A new version of the app is ready. It will be offered when this run ends; the run is not interrupted.');
    await expect(offer.getByRole('button')).toHaveCount(0);
    await speed.selectOption({ label: 'Full speed' });
    await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 120_000 });
    const adamAccuracy = await page.getByRole('table').getByRole('row', { name: /^Adam/ }).getByRole('cell').nth(4).innerText();

    // Offered now; nothing happens until the user agrees.
    await expect(offer).toContainText('A new version of the app is ready. Reloading keeps your settings and your last run.');
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((registration) => registration!.waiting !== null))).toBe(true);
    await Promise.all([page.waitForEvent('load'), offer.getByRole('button', { name: 'Reload to update' }).click()]);

    // The new version controls the page; the run and the settings are still there.
    await expect(page.getByText('Restored from your last visit.')).toBeVisible();
    await expect(page.getByRole('table').getByRole('row', { name: /^Adam/ }).getByRole('cell').nth(4)).toHaveText(adamAccuracy);
    await expect(page.getByLabel('Epochs')).toHaveValue('2');
    await readyOffline(page);
    await expect(page.getByRole('status', { name: 'New version' })).toHaveCount(0);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((registration) => registration!.waiting === null && registration!.active !== null))).toBe(true);
  } finally {
    undeploy();
  }
});

test('installable: a web manifest with the app’s name, a start URL, standalone display and its icons', async ({ page }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await page.evaluate((url) => fetch(url!).then((r) => r.json()), href);
  expect(manifest).toMatchObject({ name: 'Optimizer Playground', start_url: '/', display: 'standalone', scope: '/' });
  const sizes = manifest.icons.map((icon: { sizes: string; purpose?: string }) => `${icon.sizes}${icon.purpose ? ` ${icon.purpose}` : ''}`);
  expect(sizes).toEqual(['192x192', '512x512', '512x512 maskable']);
  for (const icon of manifest.icons as { src: string; sizes: string }[]) {
    const { type, width } = await page.evaluate(async (src) => {
      const blob = await fetch(src).then((r) => r.blob());
      return { type: blob.type, width: (await createImageBitmap(blob)).width };
    }, icon.src);
    expect(type).toBe('image/png');
    expect(`${width}x${width}`).toBe(icon.sizes);
  }
});
