import type { Page } from '@playwright/test';
import { download, drawnLines, drawnSeries, expect, test, trainToEnd, waitForData } from './fixtures';

const readout = (page: Page, chart: 'Loss' | 'Accuracy') => page.getByRole('figure', { name: chart }).locator('.chart-readout');
const plot = (page: Page, chart: 'Loss' | 'Accuracy') => page.getByRole('group', { name: new RegExp(`^${chart} chart`) });

test('Smoothing: TensorBoard’s average over the live training curves, the raw curve faint behind, in the link', async ({ page }) => {
  await page.goto('/?v=2&opt=sgd,adam&epochs=1&examples=6000');
  await waitForData(page);
  await trainToEnd(page);
  const smoothing = page.getByRole('slider', { name: 'Smoothing' });
  // TensorBoard's default: each live training line drawn smoothed over its faint raw self.
  await expect(smoothing).toHaveValue('0.6');
  expect(await drawnLines(page, 'Loss', 'raw')).toHaveLength(2);
  expect(await drawnLines(page, 'Loss', 'train')).toHaveLength(2);

  // The same point read with the keyboard, smoothed and raw.
  const valueAtEnd = async () => {
    await plot(page, 'Loss').focus();
    await page.keyboard.press('End');
    return (await readout(page, 'Loss').getByRole('listitem').filter({ hasText: 'SGD train' }).innerText()).trim();
  };
  const smoothed = await valueAtEnd();
  await smoothing.fill('0');
  await expect(page).toHaveURL(/[?&]smooth=0(&|$)/);
  await expect.poll(() => drawnLines(page, 'Loss', 'raw')).toEqual([]);
  expect(await valueAtEnd()).not.toBe(smoothed);

  await smoothing.fill('0.9');
  await expect(page).toHaveURL(/[?&]smooth=0\.9(&|$)/);
  await expect(page.getByRole('group', { name: 'Chart options' }).getByText('0.90')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('slider', { name: 'Smoothing' })).toHaveValue('0.9');
});

test('TensorBoard-grade charts: X axis, legend toggles, one shared cursor, keyboard, zoom, log axis, tables, all in the link and the PNG', async ({ page }) => {
  await page.goto('/?v=2&opt=sgd,adam,adadelta&epochs=2&examples=4000');
  await waitForData(page);
  await trainToEnd(page);

  // One click on a legend entry hides a contestant in every chart, and in the link.
  const legend = page.getByRole('list', { name: 'Chart legend' });
  const adadelta = legend.getByRole('button', { name: 'Adadelta' });
  await expect(adadelta).toHaveAttribute('aria-pressed', 'true');
  await adadelta.click();
  await expect(adadelta).toHaveAttribute('aria-pressed', 'false');
  await expect(page).toHaveURL(/[?&]hide=adadelta(&|$)/);
  for (const chart of ['Loss', 'Accuracy'] as const) {
    expect(Object.keys(await drawnSeries(page, chart)).some((label) => label.startsWith('Adadelta'))).toBe(false);
    expect(await drawnLines(page, chart, 'test')).toEqual([2, 2]);
  }

  // Arrow keys move one cursor shared by both charts; each chart reads out its values there.
  await plot(page, 'Loss').focus();
  await page.keyboard.press('End');
  await expect(readout(page, 'Loss')).toContainText('Epochs 2');
  await expect(readout(page, 'Loss')).toContainText(/SGD test: \d\.\d{4}/);
  await expect(readout(page, 'Accuracy')).toContainText('Epochs 2');
  await expect(readout(page, 'Accuracy')).toContainText(/Adam test: \d+\.\d\d %/);
  await expect(readout(page, 'Loss')).not.toContainText('Adadelta');
  await page.keyboard.press('ArrowLeft');
  await expect(readout(page, 'Loss')).not.toContainText('Epochs 2');
  // The mouse moves the same cursor.
  const box = (await plot(page, 'Accuracy').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await expect(readout(page, 'Loss')).toContainText(/Epochs 0\.\d+/);

  // Drag across a chart to zoom both into that range; the zoom is in the link; Reset zoom undoes it.
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(/[?&]zoom=[\d.]+,[\d.]+(&|$)/);
  const zoom = new URL(page.url()).searchParams.get('zoom')!.split(',').map(Number);
  expect(zoom[0]).toBeGreaterThan(0.5);
  expect(zoom[1]).toBeGreaterThan(zoom[0]);
  // Zoomed in, the keyboard walks only the points in view.
  await plot(page, 'Loss').focus();
  await page.keyboard.press('Home');
  const first = Number(/Epochs ([\d.]+)/.exec(await readout(page, 'Loss').innerText())![1]);
  expect(first).toBeGreaterThanOrEqual(zoom[0]);

  // A logarithmic loss axis and examples on X, both in the link; a new X axis drops the zoom.
  await page.getByRole('checkbox', { name: 'Logarithmic loss axis' }).check();
  await page.getByRole('combobox', { name: 'X axis' }).selectOption('Examples seen');
  await expect(page).toHaveURL(/[?&]logloss=1(&|$)/);
  await expect(page).toHaveURL(/[?&]x=examples(&|$)/);
  await expect(page).not.toHaveURL(/zoom=/);
  await plot(page, 'Loss').focus();
  await page.keyboard.press('End');
  await expect(readout(page, 'Loss')).toContainText('Examples seen 8K');

  // Zoom in by keyboard, then the PNG states what it shows.
  await page.keyboard.press('+');
  await expect(page).toHaveURL(/[?&]zoom=/);
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeEnabled();

  // The whole view comes back from the link.
  const link = page.url();
  const other = await page.context().newPage();
  await other.goto(link);
  await expect(other.getByRole('combobox', { name: 'X axis' })).toHaveValue('examples');
  await expect(other.getByRole('checkbox', { name: 'Logarithmic loss axis' })).toBeChecked();
  await expect(other.getByRole('list', { name: 'Chart legend' }).getByRole('button', { name: 'Adadelta' })).toHaveAttribute('aria-pressed', 'false');
  await expect(other.getByRole('button', { name: 'Reset zoom' })).toBeEnabled();
  await other.close();

  const png = await download(page, 'Download Loss chart as PNG');
  expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(page).not.toHaveURL(/zoom=/);

  // Show as table: the chart's values by epoch, for every shown contestant.
  const accuracy = page.getByRole('figure', { name: 'Accuracy' });
  await accuracy.getByRole('button', { name: 'Show as table' }).click();
  const table = accuracy.getByRole('table', { name: /Accuracy by epoch/ });
  await expect(table).toContainText('1 hidden in the legend');
  await expect(table.getByRole('rowheader')).toHaveText(['1', '2']);
  await expect(table.getByRole('row', { name: /^2/ }).getByRole('cell')).toHaveText(['8,000', /%$/, /%$/, /%$/, /%$/]);
  // Showing Adadelta again brings it back everywhere.
  await adadelta.click();
  await expect(page).not.toHaveURL(/hide=/);
  await expect(table.getByRole('columnheader', { name: 'Adadelta' })).toBeVisible();
  expect(Object.keys(await drawnSeries(page, 'Loss')).some((label) => label.startsWith('Adadelta'))).toBe(true);
});
