import { expect, selectOnly, test, waitForData } from './fixtures';

test('50 rapid Train/Stop cycles with settings changed between them leave nothing running and no tensors behind', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await waitForData(page);
  const train = page.getByRole('button', { name: 'Train' });
  const stop = page.getByRole('button', { name: 'Stop' });
  const choices = [['SGD', 'Adam'], ['Adagrad'], ['Adadelta', 'RMSprop', 'Adam'], ['SGD', 'Adam', 'Adagrad', 'Adadelta', 'RMSprop']];

  for (let cycle = 0; cycle < 50; cycle++) {
    await selectOnly(page, choices[cycle % choices.length]);
    await page.getByLabel('Epochs').fill(String(1 + (cycle % 4)));
    await page.getByLabel('Batch size').fill(String([32, 64, 128, 256][cycle % 4]));
    await train.click();
    await stop.click();
    await expect(train).toBeEnabled({ timeout: 30_000 });
    await expect(page.getByText(/^Training (stopped|finished)\.$/)).toBeVisible();
  }

  // The last run's table matches its own settings, and every row ended.
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(1 + choices[49 % choices.length].length);
  for (const cell of await page.getByRole('table').locator('td.status').all()) await expect(cell).toHaveText(/^(stopped|done)/);

  // Nothing is left training in any worker, and every tensor was released.
  await page.getByText('Diagnostics').click();
  await page.getByRole('button', { name: 'Measure memory' }).click();
  await expect(page.getByRole('status', { name: 'Worker memory' })).toHaveText(/^0 tensors \(0\.0 MB\) in \d+ workers?; idle\.$/);

  // And the playground still trains normally.
  await selectOnly(page, ['Adam']);
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Training examples').fill('2000');
  await train.click();
  await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 60_000 });
});
