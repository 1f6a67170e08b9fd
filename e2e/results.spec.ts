import type { Page } from '@playwright/test';
import { download, drawnLines, drawnSeries, expect, learningCurves, test, trainToEnd, waitForData } from './fixtures';

const LINK = '/?v=1&opt=sgd,adam&epochs=2&examples=2000';

async function saved(page: Page, button: string) {
  const file = await download(page, button);
  return { ...file, text: file.bytes.toString('utf8') };
}

test('the same link trains to the same numbers, and results export, survive a reload and re-open', async ({ page, browser }) => {
  await page.goto(LINK);
  await waitForData(page);
  await trainToEnd(page, 120_000);
  const table = page.getByRole('table');
  await expect(page.getByRole('region', { name: 'Results' }).getByText(/Trained on (WebAssembly kernel \(CPU\)|WebAssembly \(CPU\)|WebGL \(GPU\)|JavaScript \(CPU\)), float(32|16)\.$/)).toBeVisible();

  const first = await saved(page, 'Download JSON');
  expect(first.fileName).toMatch(/^optimizer-playground-.*\.json$/);
  const firstResults = JSON.parse(first.text);
  expect(firstResults).toMatchObject({ format: 'optimizer-playground-results', version: 3, experiment: { epochs: 2, trainExamples: 2000, seeds: 1 } });
  expect(firstResults.experiment.contestants.filter((c: { selected: boolean }) => c.selected).map((c: { optimizer: string }) => c.optimizer)).toEqual(['sgd', 'adam']);
  expect(firstResults.backend.precision).toMatch(/^float(32|16)$/);
  expect(firstResults.appVersion).toMatch(/^\d+\.\d+\.\d+/);

  // Same link, same backend: identical learning curves (the export keeps full float precision).
  await trainToEnd(page, 120_000);
  const second = await saved(page, 'Download JSON');
  expect(learningCurves(second.text)).toEqual(learningCurves(first.text));
  expect(learningCurves(first.text)[1].history).toHaveLength(2);

  const csv = await saved(page, 'Download CSV');
  const rows = csv.text.trim().split('\n');
  expect(rows[0]).toBe('contestant,optimizer,seed,epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second,status,backend,precision');
  expect(rows).toHaveLength(5);
  expect(rows[3]).toMatch(/^Adam,adam,42,1,[\d.e-]+,[\d.e-]+,/);

  for (const chart of ['Loss', 'Accuracy']) {
    const png = await saved(page, `Download ${chart} chart as PNG`);
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.bytes.length).toBeGreaterThan(5_000);
  }

  // A reload keeps the finished run on screen, marked as restored.
  const adamAccuracy = await table.getByRole('row', { name: /^Adam/ }).getByRole('cell').nth(4).innerText();
  await page.reload();
  await expect(page.getByText('Restored from your last visit.')).toBeVisible();
  await expect(table.getByRole('row', { name: /^Adam/ }).getByRole('cell').nth(4)).toHaveText(adamAccuracy);
  // Restored runs have epoch points only: a training and a test line per contestant, no raw curve.
  await expect.poll(() => drawnSeries(page, 'Accuracy')).toEqual({ 'SGD train': 2, 'SGD test': 2, 'Adam train': 2, 'Adam test': 2 });

  // A fresh browser opens the exported file: charts and table, no training.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto('/');
  await other.getByLabel('Results file to open').setInputFiles({ name: 'lecture.json', mimeType: 'application/json', buffer: first.bytes });
  await expect(other.getByText('Opened from lecture.json: these results were not trained in this browser.')).toBeVisible();
  await expect(other.getByRole('table').getByRole('row', { name: /^Adam/ }).getByRole('cell').nth(4)).toHaveText(adamAccuracy);
  expect(await drawnLines(other, 'Loss', 'test')).toEqual([2, 2]);
  // The form takes the file's settings, so Train reproduces it.
  await expect(other.getByLabel('Epochs')).toHaveValue('2');
  await expect(other.getByRole('checkbox', { name: 'Adagrad', exact: true })).not.toBeChecked();
  await fresh.close();
});

test('a malformed results file is refused with a clear message and changes nothing', async ({ page }) => {
  await page.goto('/?v=1&epochs=3');
  const input = page.getByLabel('Results file to open');
  await input.setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": ') });
  await expect(page.getByRole('alert')).toContainText('notes.json is not valid JSON. Open a .json file exported by Optimizer Playground.');
  await input.setInputFiles({
    name: 'other.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ format: 'optimizer-playground-results', version: 1, runs: '<img src=x onerror=alert(1)>' })),
  });
  await expect(page.getByRole('alert')).toContainText('other.json cannot be opened:');
  await expect(page.getByRole('alert')).toContainText('Nothing was changed.');
  await expect(page.getByRole('alert').locator('img')).toHaveCount(0);
  await expect(page.getByLabel('Epochs')).toHaveValue('3');
  await expect(page.getByText('Choose optimizers and press Train.')).toBeVisible();
});

test('a results file dropped on the page opens it', async ({ page }) => {
  const results = {
    format: 'optimizer-playground-results',
    version: 1,
    appVersion: '0.1.0',
    exportedAt: '2026-11-26T12:00:00.000Z',
    experiment: {
      epochs: 1,
      batchSize: 128,
      trainExamples: 60000,
      seed: 42,
      optimizers: ['rmsprop'],
      hyperparameters: {
        sgd: { learningRate: 0.01, momentum: 0, nesterov: false },
        adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false },
        adagrad: { learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 },
        adadelta: { learningRate: 0.001, rho: 0.95, epsilon: 1e-7 },
        rmsprop: { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
      },
    },
    backend: { name: 'wasm', precision: 'float32' },
    runs: [{ optimizer: 'rmsprop', status: 'done', history: [{ epoch: 1, trainLoss: 0.3, trainAccuracy: 0.91, testLoss: 0.2, testAccuracy: 0.9453, seconds: 3.5, samplesPerSecond: 17000 }] }],
  };
  await page.goto('/');
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
    return transfer;
  }, JSON.stringify(results));
  await page.dispatchEvent('main', 'dragover', { dataTransfer });
  await expect(page.getByText('Drop a results file to open it')).toBeVisible();
  await page.dispatchEvent('main', 'drop', { dataTransfer });
  await expect(page.getByText('Opened from dropped.json')).toBeVisible();
  await expect(page.getByRole('table').getByRole('row', { name: /^RMSprop/ }).getByRole('cell').nth(4)).toHaveText('94.53 %');
});
