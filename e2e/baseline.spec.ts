import type { Page } from '@playwright/test';
import { download, drawnSeries, expect, test, trainToEnd, waitForData } from './fixtures';

const LINK = '/?v=2&opt=sgd,adam&epochs=2&examples=2000';

/** A cell of the results table: the contestant's row, the column's header. */
async function resultCell(page: Page, contestant: string, column: string): Promise<string> {
  const table = page.getByRole('table', { name: /^Network/ });
  const headers = await table.getByRole('columnheader').allInnerTexts();
  const index = headers.map((h) => h.replace(/\s+/g, ' ').trim()).indexOf(column);
  expect(index, `column ${column}`).toBeGreaterThan(0);
  // The row header is the first cell of a row; the others are cells.
  return table.getByRole('row', { name: new RegExp(`^${contestant}\\b`) }).getByRole('cell').nth(index - 1).innerText();
}

const baselineBanner = (page: Page) => page.getByRole('status', { name: 'Baseline' });

test('Pin as baseline keeps a run as ghost lines and a Baseline column through a new run and a reload, until unpinned', async ({ page }) => {
  await page.goto(LINK);
  await waitForData(page);
  await trainToEnd(page, 120_000);
  const firstAdam = await resultCell(page, 'Adam', 'Test accuracy');
  await expect(page.getByRole('columnheader', { name: 'Baseline' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Pin as baseline' }).click();
  await expect(baselineBanner(page)).toContainText(/^Baseline pinned: your run of \w{3} \d+ \w{3}, \d\d:\d\d\./);
  await expect(page.getByRole('button', { name: 'Pin as baseline' })).toBeDisabled();
  expect(await resultCell(page, 'Adam', 'Baseline')).toBe(firstAdam);
  await expect(page.getByRole('list', { name: 'Chart legend' })).toContainText('Baseline: your run of');

  // Today's tweak: Adam ten times faster; the ghost is yesterday's Adam.
  await page.getByRole('group', { name: /^Adam settings/ }).getByLabel('Learning rate').fill('0.01');
  await trainToEnd(page, 120_000);
  const secondAdam = await resultCell(page, 'Adam', 'Test accuracy');
  expect(secondAdam).not.toBe(firstAdam);
  expect(await resultCell(page, 'Adam', 'Baseline')).toBe(firstAdam);
  for (const chart of ['Loss', 'Accuracy'] as const) {
    const series = await drawnSeries(page, chart);
    expect(series, chart).toMatchObject({ 'Baseline SGD train': 2, 'Baseline SGD test': 2, 'Baseline Adam train': 2, 'Baseline Adam test': 2, 'Adam test': 2, 'SGD test': 2 });
    // The ghosts come first, so the run's own lines are drawn over them.
    expect(Object.keys(series).slice(0, 4).every((label) => label.startsWith('Baseline '))).toBe(true);
  }
  await expect(page.getByRole('figure', { name: 'Accuracy' }).locator('.visually-hidden').first()).toContainText(`Baseline Adam: ${firstAdam}`);
  // The Learning rate chart: yesterday's constant 0.001 behind today's 0.01.
  const rates = page.getByRole('figure', { name: 'Learning rate' }).locator('.chart__plot');
  await expect(rates).toHaveAttribute('data-series', /^Baseline SGD:\d+;Baseline Adam:\d+;SGD:\d+;Adam:\d+$/);
  await expect(page.getByRole('button', { name: 'Pin as baseline' })).toBeEnabled();

  // Show as table: the baseline's columns after the run's.
  const figure = page.getByRole('figure', { name: 'Accuracy' });
  await figure.getByRole('button', { name: 'Show as table' }).click();
  const table = figure.getByRole('table', { name: /Accuracy by epoch/ });
  await expect(table.getByRole('columnheader', { name: 'Baseline Adam' })).toBeVisible();
  await expect(table.getByRole('row', { name: /^2\b/ })).toContainText(firstAdam);
  await figure.getByRole('button', { name: 'Show as table' }).click();
  // The PNG carries the ghosts too (they are on the canvas), and names them in its legend.
  const png = await download(page, 'Download Accuracy chart as PNG');
  expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

  // Tomorrow: a reload keeps both, the last run restored in front of the baseline.
  await page.reload();
  await expect(page.getByText('Restored from your last visit.')).toBeVisible();
  await expect(baselineBanner(page)).toContainText('Baseline pinned: your run of');
  expect(await resultCell(page, 'Adam', 'Test accuracy')).toBe(secondAdam);
  expect(await resultCell(page, 'Adam', 'Baseline')).toBe(firstAdam);
  await expect.poll(() => drawnSeries(page, 'Loss')).toMatchObject({ 'Baseline Adam test': 2, 'Adam test': 2 });

  await page.getByRole('button', { name: 'Unpin baseline' }).click();
  await expect(baselineBanner(page)).toHaveCount(0);
  await expect(page.getByRole('columnheader', { name: 'Baseline' })).toHaveCount(0);
  await expect.poll(async () => Object.keys(await drawnSeries(page, 'Loss')).some((label) => label.startsWith('Baseline'))).toBe(false);
  await page.reload();
  await expect(page.getByText('Restored from your last visit.')).toBeVisible();
  await expect(baselineBanner(page)).toHaveCount(0);
});

test('two results files side by side: pin the first, open the second', async ({ page }) => {
  await page.goto(LINK);
  await waitForData(page);
  await trainToEnd(page, 120_000);
  const monday = await download(page, 'Download JSON');
  const mondayAdam = await resultCell(page, 'Adam', 'Test accuracy');
  // Tuesday's file: another contestant (RMSprop) beside Adam at another rate.
  await page.getByRole('checkbox', { name: 'SGD', exact: true }).uncheck();
  await page.getByRole('checkbox', { name: 'RMSprop', exact: true }).check();
  await page.getByRole('group', { name: /^Adam settings/ }).getByLabel('Learning rate').fill('0.01');
  await trainToEnd(page, 120_000);
  const tuesday = await download(page, 'Download JSON');
  const tuesdayAdam = await resultCell(page, 'Adam', 'Test accuracy');

  const open = (name: string, buffer: Buffer) => page.getByLabel('Results file to open').setInputFiles({ name, mimeType: 'application/json', buffer });
  await open('monday.json', monday.bytes);
  await expect(page.getByText('Opened from monday.json: these results were not trained in this browser. To compare it with another file or a new run, pin it as the baseline, then open the other file or train.')).toBeVisible();
  await page.getByRole('button', { name: 'Pin as baseline' }).click();
  await expect(baselineBanner(page)).toContainText('Baseline pinned: monday.json. Train again, or open another results file');

  await open('tuesday.json', tuesday.bytes);
  await expect(page.getByText('Opened from tuesday.json: these results were not trained in this browser.', { exact: true })).toBeVisible();
  await expect(baselineBanner(page)).toContainText('Baseline pinned: monday.json. It is drawn as faint dashed lines behind these results');
  expect(await resultCell(page, 'Adam', 'Test accuracy')).toBe(tuesdayAdam);
  expect(await resultCell(page, 'Adam', 'Baseline')).toBe(mondayAdam);
  // RMSprop was not in Monday's file; SGD is only in Monday's, so it gets a row of its own.
  expect(await resultCell(page, 'RMSprop', 'Baseline')).toBe('–');
  await expect(page.getByRole('row', { name: /^SGD \(baseline only\)/ })).toContainText('not in this run');
  await expect.poll(() => drawnSeries(page, 'Accuracy')).toEqual({
    'Baseline SGD train': 2,
    'Baseline SGD test': 2,
    'Baseline Adam train': 2,
    'Baseline Adam test': 2,
    'Adam train': 2,
    'Adam test': 2,
    'RMSprop train': 2,
    'RMSprop test': 2,
  });
});
