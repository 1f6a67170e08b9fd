import type { Page } from '@playwright/test';
import { download, expect, test, trainToEnd, waitForData } from './fixtures';

type Metrics = { trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number };

async function trainAndExport(page: Page): Promise<{ backend: string; runs: Record<string, Metrics[]> }> {
  await trainToEnd(page, 120_000);
  const results = JSON.parse((await download(page, 'Download JSON')).bytes.toString('utf8'));
  return { backend: results.backend.name, runs: Object.fromEntries(results.runs.map((r: { contestant: string; history: Metrics[] }) => [r.contestant, r.history])) };
}

test('on a CPU the warm-up picks the WebAssembly kernel, which trains to the numbers of the tfjs path', async ({ page }) => {
  await page.goto('/?v=1&opt=sgd,adam,adadelta,rmsprop&epochs=2&examples=2000');
  await waitForData(page);
  const badge = page.getByRole('status', { name: 'Backend' });
  await expect(badge).toContainText('Backend: WebAssembly kernel (CPU)');
  await expect(badge).toContainText(/Fastest in a warm-up here: WebAssembly kernel \(CPU\) [\d,]+ samples\/s \((relaxed SIMD with FMA|SIMD)\), against WebAssembly \(CPU\) [\d,]+ samples\/s/);
  const kernel = await trainAndExport(page);
  expect(kernel.backend).toBe('kernel');

  await page.getByRole('combobox', { name: 'Backend' }).selectOption('wasm');
  await expect(badge).toContainText('Backend: WebAssembly (CPU) — WebAssembly (CPU), chosen by you.');
  await waitForData(page);
  const tfjs = await trainAndExport(page);
  expect(tfjs.backend).toBe('wasm');

  // Float32 on both sides, summed in different orders (and with FMA where the browser has it).
  for (const optimizer of ['sgd', 'adam', 'adadelta', 'rmsprop']) {
    expect(kernel.runs[optimizer]).toHaveLength(2);
    kernel.runs[optimizer].forEach((m, i) => {
      const reference = tfjs.runs[optimizer][i];
      for (const key of ['trainLoss', 'testLoss'] as const) expect(Math.abs(m[key] - reference[key]) / reference[key], `${optimizer} epoch ${i + 1} ${key}`).toBeLessThan(1e-4);
      // At most one of 10,000 test images (or 2,000 training images) may fall the other way.
      expect(Math.abs(m.testAccuracy - reference.testAccuracy), `${optimizer} epoch ${i + 1} test accuracy`).toBeLessThanOrEqual(1e-4 + 1e-12);
      expect(Math.abs(m.trainAccuracy - reference.trainAccuracy), `${optimizer} epoch ${i + 1} train accuracy`).toBeLessThanOrEqual(5e-4 + 1e-12);
    });
  }
});

test.describe('a kernel file that cannot be loaded', () => {
  test.use({ expectedConsoleErrors: /Failed to load resource: the server responded with a status of 404/ });

  test('leaves the tfjs path, and the backend says why', async ({ page }) => {
    // Context-wide: the worker's requests too.
    await page.context().route('**/kernel-*.wasm', (route) => route.fulfill({ status: 404, body: 'missing' }));
    await page.goto('/?v=1&opt=adam&epochs=2&examples=2000');
    await waitForData(page);
    const badge = page.getByRole('status', { name: 'Backend' });
    await expect(badge).toContainText('Backend: WebAssembly (CPU)');
    await expect(badge).toContainText(/The WebAssembly kernel could not be loaded \(Could not load the training kernel \S+kernel-\S+\.wasm \(HTTP 404\)\.\)/);
    const { backend, runs } = await trainAndExport(page);
    expect(backend).toBe('wasm');
    expect(runs.adam[1].testAccuracy).toBeGreaterThan(0.8);
  });
});
