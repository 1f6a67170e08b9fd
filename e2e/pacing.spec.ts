import type { Page } from '@playwright/test';
import { download, expect, test, trainToEnd, waitForData } from './fixtures';

const LINK = '/?v=2&opt=sgd,adam,adadelta&epochs=2&examples=6000';

/** The batch the progress line shows (the slowest worker's). */
async function batchShown(page: Page): Promise<number> {
  const text = await page.getByText(/^Epoch \d+ of \d+ · batch [\d,]+ of [\d,]+/).innerText();
  return Number(/batch ([\d,]+)/.exec(text)![1].replace(',', ''));
}

/** Every number of the exported runs except the timings, which differ from run to run. */
async function exportedNumbers(page: Page) {
  const results = JSON.parse((await download(page, 'Download JSON')).bytes.toString('utf8'));
  return results.runs.map((run: { contestant: string; history: Record<string, number>[] }) => ({
    contestant: run.contestant,
    history: run.history.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest),
  }));
}

test('Pause keeps everything, Step trains one batch, Speed slows, and a resumed run exports exactly what an uninterrupted one does', async ({ page }) => {
  await page.goto(LINK);
  await waitForData(page);
  const speed = page.getByRole('combobox', { name: 'Speed' });
  // Slow enough to pause early in the first epoch.
  await speed.selectOption({ label: '5 batches per second' });
  await page.getByRole('button', { name: 'Train' }).click();
  await expect.poll(() => batchShown(page).catch(() => 0)).toBeGreaterThanOrEqual(2);
  // Five batches a second: after a second and a half, nowhere near the epoch's 47.
  await page.waitForTimeout(1500);
  expect(await batchShown(page)).toBeLessThan(20);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByText('Paused. Step trains one batch for every contestant; Resume goes on.')).toBeVisible();
  await page.waitForTimeout(600);
  const pausedAt = await batchShown(page);
  await page.waitForTimeout(800);
  expect(await batchShown(page), 'nothing trains while paused').toBe(pausedAt);

  const step = page.getByRole('button', { name: 'Step' });
  await step.click();
  await expect.poll(() => batchShown(page)).toBe(pausedAt + 1);
  await step.click();
  await expect.poll(() => batchShown(page)).toBe(pausedAt + 2);

  await speed.selectOption({ label: 'Full speed' });
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('button', { name: 'Step' })).toBeDisabled();
  await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 120_000 });
  const resumed = await exportedNumbers(page);

  // The same link, trained straight through.
  await page.goto(LINK);
  await waitForData(page);
  await trainToEnd(page);
  expect(resumed).toEqual(await exportedNumbers(page));
});
