import { expect, selectOnly, test, waitForData } from './fixtures';

test('SGD at learning rate 1000 is marked diverged, with where, while Adam beside it finishes normally', async ({ page }) => {
  await page.goto('/?v=1&epochs=2&examples=6000');
  await waitForData(page);
  await selectOnly(page, ['SGD', 'Adam']);
  await page.getByRole('group', { name: /^SGD settings/ }).getByLabel('Learning rate').fill('1000');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 120_000 });

  const table = page.getByRole('table');
  await expect(table.getByRole('row', { name: /^SGD/ }).getByRole('cell').first()).toHaveText(/^diverged \(epoch 1, batch \d+\)$/);
  const adam = table.getByRole('row', { name: /^Adam/ });
  await expect(adam.getByRole('cell').first()).toHaveText('done');
  expect(parseFloat(await adam.getByRole('cell').nth(4).innerText())).toBeGreaterThan(85);
  // The best row is the run that did not diverge.
  await expect(adam.getByRole('rowheader')).toHaveText('Adam, best');
  await expect(table.getByRole('row', { name: /^SGD/ }).getByRole('rowheader')).toHaveText('SGD');
  await expect(page.getByRole('list', { name: 'Chart legend' }).getByRole('listitem').filter({ hasText: 'SGD' })).toContainText(/diverged \(epoch 1, batch \d+\)/);
});
