import { drawnLines, expect, test, waitForData } from './fixtures';

test.describe('a training worker that dies', () => {
  test.use({ expectedConsoleErrors: /injected crash/ });

  test('is replaced: the finished epochs stay, the user is told, and Train works again', async ({ page }) => {
    // Twenty epochs: on the kernel one takes ~0.5 s, so the crash surely lands mid-run.
    await page.goto('/?v=1&opt=adam&epochs=20');
    await waitForData(page);
    await page.getByRole('button', { name: 'Train' }).click();
    const adam = page.getByRole('table').getByRole('row', { name: /^Adam/ });
    // Wait for a finished epoch, then crash every worker mid-run.
    await expect(adam.getByRole('cell').nth(6)).not.toHaveText('–', { timeout: 60_000 });
    for (const worker of page.workers()) {
      // The first crash makes the client end the whole pool: a later worker may be gone already.
      await worker
        .evaluate(() => setTimeout(() => {
          throw new Error('injected crash');
        }))
        .catch((error: Error) => expect(error.message).toMatch(/closed|destroyed|Target/));
    }

    await expect(page.getByRole('alert')).toContainText('The training worker crashed');
    await expect(page.getByRole('alert')).toContainText('The finished epochs are kept.');
    await expect(adam.getByRole('cell').first()).toHaveText('stopped');
    await expect(page.getByText('Training failed.')).toBeVisible();
    // The epochs finished before the crash stay, in the table and the chart; the rest never came.
    const [kept] = await drawnLines(page, 'Accuracy', 'test');
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(20);
    await expect(adam.getByRole('cell').nth(4)).toHaveText(/^\d+\.\d\d %$/);
    await expect(adam.getByRole('cell').nth(6)).toHaveText(/^\d+$/);

    // A fresh pool loads the data again; training works without a reload.
    await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled({ timeout: 60_000 });
    await page.getByLabel('Epochs').fill('1');
    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 60_000 });
    await expect(adam.getByRole('cell').first()).toHaveText('done');
  });
});

test.describe('a lost WebGL context', () => {
  test.use({ expectedConsoleErrors: /context lost|CONTEXT_LOST|lost context/i });

  test('moves training to the CPU with a message and keeps the finished epochs', async ({ page }) => {
    await page.goto('/?v=1&opt=adam&epochs=4&examples=3000');
    // The automatic choice avoids software WebGL here; the user can still ask for it.
    await page.getByRole('combobox', { name: 'Backend' }).selectOption('webgl');
    await expect(page.getByRole('status', { name: 'Backend' })).toContainText('Backend: WebGL');
    await waitForData(page);
    await page.getByRole('button', { name: 'Train' }).click();
    const adam = page.getByRole('table').getByRole('row', { name: /^Adam/ });
    await expect(adam.getByRole('cell').nth(6)).toHaveText('1', { timeout: 60_000 });
    const results = page.getByRole('region', { name: 'Results' });
    await expect(results.getByText('Trained on WebGL (GPU), float32.')).toBeVisible();

    await page.getByText('Diagnostics').click();
    await page.getByRole('button', { name: 'Simulate a GPU reset' }).click();

    await expect(page.getByRole('alert')).toContainText('The GPU context was lost');
    await expect(page.getByRole('alert')).toContainText('the finished epochs are kept');
    await expect(adam.getByRole('cell').first()).toHaveText('stopped');
    await expect(adam.getByRole('cell').nth(6)).not.toHaveText('–');
    await expect(page.getByRole('status', { name: 'Backend' })).toContainText('Backend: WebAssembly kernel (CPU)');
    await expect(page.getByRole('status', { name: 'Backend' })).toContainText('The GPU context was lost');

    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 60_000 });
    await expect(results.getByText('Trained on WebAssembly kernel (CPU), float32.')).toBeVisible();
  });
});
