import type { Page } from '@playwright/test';
import { longTasksSince, observeLongTasks, pageClock } from '../scripts/headlessApp';
import { expect, test, trainToEnd, waitForData } from './fixtures';

/**
 * The landscape between the runs (issue 13, part 3): after a short run, Show the
 * landscape draws one line per contestant over α and the slice with its three points;
 * Cancel stops it and keeps nothing; nothing is asked before the button.
 */

const LINK = '/?v=2&opt=sgd,adam,adam2&epochs=1&examples=2000&adam2.lr=0.01';
const panelOf = (page: Page) => page.getByRole('region', { name: 'Landscape' });

test('draws the loss along the line to each contestant and the slice through two, and Cancel stops it', async ({ page }) => {
  await observeLongTasks(page);
  await page.goto(LINK);
  await waitForData(page);
  const panel = panelOf(page);
  await expect(panel).toContainText('Train a run; when it has finished, Show the landscape draws');
  await trainToEnd(page, 120_000);

  // Cancel first: the progress bar goes, nothing is drawn, and it can start again.
  await panel.getByRole('button', { name: 'Show the landscape' }).click();
  await expect(panel.getByRole('progressbar', { name: 'Landscape progress' })).toBeVisible();
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.getByRole('status')).toHaveText('Cancelled. Nothing was kept; Show the landscape starts again.');
  await expect(panel.getByRole('progressbar')).toHaveCount(0);
  await expect(panel.getByTestId('landscape-line')).toHaveCount(0);

  // The slice through SGD and Adam 2, chosen by their labels.
  const slice = panel.getByRole('group', { name: 'Slice through the start and' });
  await slice.getByRole('combobox', { name: 'First contestant' }).selectOption({ label: 'SGD' });
  await slice.getByRole('combobox', { name: 'Second contestant' }).selectOption({ label: 'Adam 2' });
  const pressedAt = await pageClock(page);
  await panel.getByRole('button', { name: 'Show the landscape' }).click();
  await expect(panel.getByRole('status')).toHaveText(/^Mean training loss on the first 2,000 training examples, computed in [\d.]+ s\.$/, { timeout: 120_000 });
  // The workers compute; the page only follows the progress and draws the result. The
  // figures are recorded, not bounded tightly (a loaded machine stretches any task); the
  // bound catches the computation itself on the main thread, which takes seconds.
  const longTasks = await longTasksSince(page, pressedAt);
  test.info().annotations.push({ type: 'long tasks', description: `${longTasks.count} over 50 ms, longest ${longTasks.longestMs.toFixed(0)} ms` });
  expect(longTasks.longestMs, 'longest main-thread task (ms)').toBeLessThan(1000);

  // One line per contestant, 61 values of α each.
  await expect(panel.getByTestId('landscape-line')).toHaveAttribute('data-series', 'SGD:61;Adam:61;Adam 2:61');
  await expect(panel.getByRole('group', { name: /^Landscape line chart/ })).toBeVisible();

  // The slice: its three points labelled with their losses, contours drawn.
  const plot = panel.getByRole('img', { name: /^Slice through the start, SGD and Adam 2/ });
  await expect(plot).toBeVisible();
  const points = plot.getByTestId('landscape-point');
  await expect(points).toHaveCount(3);
  await expect(points.nth(0)).toHaveAttribute('data-label', 'Start');
  await expect(points.nth(1)).toHaveAttribute('data-label', 'SGD');
  await expect(points.nth(2)).toHaveAttribute('data-label', 'Adam 2');
  expect(Number(await plot.getAttribute('data-levels'))).toBeGreaterThan(3);
  // Each trained point is lower than the start (an untrained network's loss is about ln 10 ≈ 2.3).
  const lossOf = async (i: number) => Number((await points.nth(i).textContent())!.trim().split(' ').at(-1));
  const start = await lossOf(0);
  expect(start).toBeGreaterThan(2);
  expect(await lossOf(1)).toBeLessThan(start);
  expect(await lossOf(2)).toBeLessThan(start);

  // The keyboard reads the line chart's values.
  await panel.getByRole('group', { name: /^Landscape line chart/ }).focus();
  await page.keyboard.press('Home');
  await expect(panel.locator('.chart-readout')).toContainText('α -0.25');
});
