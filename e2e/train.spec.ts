import { drawnLines, expect, selectOnly, test, waitForData } from './fixtures';

test('trains Adam and SGD side by side on real MNIST and reports both', async ({ page }) => {
  await page.goto('/');
  await waitForData(page);
  await expect(page.getByRole('status', { name: 'Backend' })).toContainText(/Backend: (WebAssembly|WebGL|JavaScript)/);

  await selectOnly(page, ['Adam', 'SGD']);
  await page.getByLabel('Epochs').fill('2');
  // 10,000 examples: long enough (about a second on the kernel) for Stop to be seen enabled while it runs.
  await page.getByLabel('Training examples').fill('10000');
  await page.getByRole('button', { name: 'Train' }).click();

  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 120_000 });

  const table = page.getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'Contestant', exact: true })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Test accuracy', exact: true })).toBeVisible();
  const testAccuracyColumn = 5;
  for (const name of ['Adam', 'SGD']) {
    const row = table.getByRole('row', { name: new RegExp(`^${name}\\b`) });
    await expect(row.getByRole('cell').first()).toHaveText('done');
    const accuracy = parseFloat((await row.getByRole('cell').nth(testAccuracyColumn - 1).innerText()).replace('%', ''));
    // 2 epochs of 10,000 examples: Adam learns digits well, SGD at lr 0.01 slowly; chance is 10 %.
    expect(accuracy, `${name} test accuracy`).toBeGreaterThan(name === 'Adam' ? 80 : 20);
    expect(accuracy).toBeLessThanOrEqual(100);
  }
  await expect(table.getByRole('row')).toHaveCount(3);
  await page.screenshot({ path: test.info().outputPath('trained.png'), fullPage: true });

  await expect(page.getByRole('list', { name: 'Chart legend' }).getByRole('listitem')).toHaveText(['SGD', 'Adam']);
  for (const chart of ['Loss', 'Accuracy'] as const) {
    // Per optimizer: a test line with a point per epoch, a (smoothed) training line and its raw curve behind it.
    expect(await drawnLines(page, chart, 'test')).toEqual([2, 2]);
    expect(await drawnLines(page, chart, 'train')).toHaveLength(2);
    expect(await drawnLines(page, chart, 'raw')).toHaveLength(2);
  }
});
