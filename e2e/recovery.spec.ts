import { expect, test } from './fixtures';

test.describe('a training worker that dies', () => {
  test.use({ expectedConsoleErrors: /injected crash/ });

  test('is replaced: the finished epochs stay, the user is told, and Train works again', async ({ page }) => {
    await page.goto('/?v=1&opt=adam&epochs=3');
    await expect(page.getByText(/MNIST ready/)).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Train' }).click();
    const adam = page.getByRole('table').getByRole('row', { name: /^Adam/ });
    // Wait for the first finished epoch, then crash every worker mid-run.
    await expect(adam.getByRole('cell').nth(6)).toHaveText('1', { timeout: 60_000 });
    const accuracyAfterEpoch1 = await adam.getByRole('cell').nth(4).innerText();
    for (const worker of page.workers()) {
      await worker.evaluate(() => setTimeout(() => {
        throw new Error('injected crash');
      }));
    }

    await expect(page.getByRole('alert')).toContainText('The training worker crashed');
    await expect(page.getByRole('alert')).toContainText('The finished epochs are kept.');
    await expect(adam.getByRole('cell').first()).toHaveText('stopped');
    await expect(adam.getByRole('cell').nth(4)).toHaveText(accuracyAfterEpoch1);
    await expect(page.getByText('Training failed.')).toBeVisible();

    // A fresh pool loads the data again; training works without a reload.
    await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled({ timeout: 60_000 });
    await page.getByLabel('Epochs').fill('1');
    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 60_000 });
    await expect(adam.getByRole('cell').first()).toHaveText('done');
  });
});
