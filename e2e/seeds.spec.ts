import type { Page } from '@playwright/test';
import { download, drawnSeries, expect, test, trainToEnd, waitForData } from './fixtures';

const LINK = '/?v=2&opt=sgd,adam&epochs=1&examples=2000';
const MEAN_SD = /^\d{1,3}\.\d\d %\s+± \d+\.\d\d$/;

const testAccuracyCell = (page: Page, name: RegExp) => page.getByRole('table').getByRole('row', { name }).getByRole('cell').nth(4);

test('several seeds: bands in the charts, mean ± sd in the table, the sentence, each seed on demand, every seed exported and opened back', async ({ page, browser }) => {
  await page.goto(LINK);
  await waitForData(page);
  await page.getByLabel('Seeds').fill('3');
  await expect(page).toHaveURL(/[?&]seeds=3(&|$)/);
  await trainToEnd(page, 180_000);

  // Charts: each contestant's mean with a band of ±1 sd around its test line, then min-max.
  const series = await drawnSeries(page, 'Accuracy');
  expect(series).toMatchObject({ 'Adam test': 1, 'Adam test mean + sd': 1, 'Adam test mean − sd': 1, 'SGD test mean + sd': 1 });
  await expect(page.getByRole('figure', { name: 'Accuracy' })).toContainText('mean of 3 seeds, band ±1 standard deviation');
  await page.getByRole('combobox', { name: 'Band' }).selectOption({ label: 'Min–max' });
  await expect.poll(() => drawnSeries(page, 'Loss')).toMatchObject({ 'Adam test max': 1, 'Adam test min': 1, 'SGD test max': 1 });
  await expect(page).toHaveURL(/[?&]band=range(&|$)/);

  // Table: mean ± sample sd over the seeds, each seed on demand.
  const table = page.getByRole('table');
  await expect(table.locator('caption')).toContainText('Mean ± sample standard deviation (n − 1) over 3 seeds, 42 to 44');
  await expect(testAccuracyCell(page, /^Adam/)).toHaveText(MEAN_SD);
  await expect(table.getByRole('row', { name: /seed/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Show each seed' }).click();
  for (const seed of [42, 43, 44]) await expect(testAccuracyCell(page, new RegExp(`^Adam, seed ${seed}\\b`))).toHaveText(/^\d{1,3}\.\d\d %$/);
  const seedValues = await Promise.all([42, 43, 44].map(async (seed) => parseFloat(await testAccuracyCell(page, new RegExp(`^SGD, seed ${seed}\\b`)).innerText())));
  const mean = seedValues.reduce((a, b) => a + b, 0) / 3;
  expect(parseFloat(await testAccuracyCell(page, /^SGD(?!, seed)/).innerText())).toBeCloseTo(mean, 1);

  // The sentence under the table compares the top two over their spread.
  const verdict = page.getByRole('region', { name: 'Results' }).locator('.results__verdict');
  await expect(verdict).toContainText('Final test accuracy, mean ± sample standard deviation over seeds (n = 3 seeds each): Adam');
  await expect(verdict).toContainText(/The intervals \(mean ± 1 sd\) (overlap|do not overlap)/);
  await expect(verdict).toContainText(/Welch's t-test: t = -?\d+\.\d\d, df = \d+\.\d, p [=<] /);

  // The evaluation panel says which seed it evaluates.
  await expect(page.getByRole('region', { name: 'Evaluation' })).toContainText("Evaluation and drawn digits use each contestant's first seed (42)");

  // Exports carry every seed.
  const json = JSON.parse((await download(page, 'Download JSON')).bytes.toString('utf8'));
  expect(json).toMatchObject({ version: 3, experiment: { seeds: 3, seed: 42 } });
  expect(json.runs.map((r: { contestant: string; seed: number }) => `${r.contestant}@${r.seed}`)).toEqual(['sgd@42', 'sgd@43', 'sgd@44', 'adam@42', 'adam@43', 'adam@44']);
  const csv = (await download(page, 'Download CSV')).bytes.toString('utf8').trim().split('\n');
  expect(csv.slice(1).map((row) => row.split(',').slice(1, 4).join(','))).toEqual(['sgd,42,1', 'sgd,43,1', 'sgd,44,1', 'adam,42,1', 'adam,43,1', 'adam,44,1']);

  // The file opens back with its bands and its seeds.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto('/');
  await other.getByLabel('Results file to open').setInputFiles({ name: 'seeds.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) });
  await expect(other.getByText('Opened from seeds.json')).toBeVisible();
  await expect.poll(() => drawnSeries(other, 'Accuracy')).toMatchObject({ 'Adam test mean + sd': 1, 'Adam test mean − sd': 1 });
  await expect(testAccuracyCell(other, /^Adam/)).toHaveText(await testAccuracyCell(page, /^Adam(?!, seed)/).innerText());
  await expect(other.getByLabel('Seeds')).toHaveValue('3');
  await fresh.close();
});

test('one seed: no band, and the sentence says one seed cannot tell', async ({ page }) => {
  await page.goto(LINK);
  await waitForData(page);
  await trainToEnd(page, 120_000);
  expect(Object.keys(await drawnSeries(page, 'Accuracy')).some((label) => / (mean|max|min)/.test(label))).toBe(false);
  await expect(page.getByRole('combobox', { name: 'Band' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Results' }).locator('.results__verdict')).toContainText('from one seed each. One seed cannot tell whether the order holds');
});
