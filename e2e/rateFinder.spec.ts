import { expect, selectOnly, test, trainToEnd, waitForData } from './fixtures';

test('Find learning rate sweeps Lion in the worker, marks a suggested rate, and Use this rate writes it; Cancel stops a sweep', async ({ page }) => {
  await page.goto('/');
  await waitForData(page);
  await selectOnly(page, []);
  await page.getByRole('checkbox', { name: 'Lion', exact: true }).check();
  await page.getByLabel('Training examples').fill('2000');
  await page.getByLabel('Epochs').fill('1');
  const lion = page.getByRole('group', { name: 'Lion settings', exact: true });
  await lion.getByRole('button', { name: 'Find learning rate' }).click();
  const finder = page.getByRole('region', { name: 'Lion learning-rate finder' });
  await expect(finder.getByRole('status')).toHaveText(/^Sweeping: batch \d+ of 300/);
  // The page keeps working while the worker sweeps: the form still takes input.
  await page.getByLabel('Seed').fill('43');
  await page.getByLabel('Seed').fill('42');
  await expect(finder.getByRole('status')).toHaveText(/^Stopped where the loss blew up, at learning rate .*\. Suggested learning rate: .* \(steepest descent of the smoothed loss/, { timeout: 60_000 });
  const suggested = Number(await finder.locator('.rate-finder__plot').getAttribute('data-suggestion'));
  // Lion's steps are lr·sign(·): its good rates are a few times 1e-5 to 1e-3 here.
  expect(suggested).toBeGreaterThan(1e-6);
  expect(suggested).toBeLessThan(1e-2);
  expect(Number(await finder.locator('.rate-finder__plot').getAttribute('data-points'))).toBeLessThan(300);
  await finder.getByRole('button', { name: 'Use this rate' }).click();
  await expect(lion.getByLabel('Learning rate', { exact: true })).toHaveValue(String(Number(suggested.toPrecision(3))));
  await trainToEnd(page);
  await expect(page.getByRole('table').getByRole('rowheader')).toHaveText([/^Lion/]);

  // A second sweep, cancelled: it stops, keeps its points, and offers no rate it did not find.
  // Batches of 2,000 make the sweep take long enough to cancel (the kernel sweeps 300 of 128 in about a second).
  await page.getByLabel('Batch size').fill('2000');
  await lion.getByRole('button', { name: 'Find learning rate' }).click();
  await expect(finder.getByRole('status')).toHaveText(/^Sweeping: batch/);
  await finder.getByRole('button', { name: 'Cancel' }).click();
  await expect(finder.getByRole('status')).toHaveText(/^Cancelled after \d+ batches; a partial sweep suggests no rate\.$/);
  await expect(finder.getByRole('button', { name: 'Use this rate' })).toHaveCount(0);
  await finder.getByRole('button', { name: 'Close' }).click();
  await expect(finder).toHaveCount(0);
});
