import { expect, test } from './fixtures';

test('the link carries every setting, stays readable, and restores the controls in a fresh browser', async ({ page, browser, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await expect(page).toHaveURL(/\?v=2$/);
  const historyLength = await page.evaluate(() => history.length);

  await page.getByLabel('Epochs').fill('3');
  await page.getByLabel('Seed', { exact: true }).fill('7');
  await page.getByRole('checkbox', { name: 'Adagrad', exact: true }).uncheck();
  const sgd = page.getByRole('group', { name: /^SGD settings/ });
  await sgd.getByLabel('Momentum', { exact: true }).fill('0.9');
  await sgd.getByLabel('Nesterov momentum').check();
  await page.getByRole('group', { name: /^Adam settings/ }).getByLabel('Learning rate').fill('0.002');
  await page.getByLabel('Show training curves').uncheck();

  const url = new URL(page.url());
  expect(url.search).toBe('?v=2&opt=sgd,adam,adadelta,rmsprop&epochs=3&seed=7&sgd.momentum=0.9&sgd.nesterov=1&adam.lr=0.002&train=0');
  // Edits replace the history entry instead of adding one per keystroke.
  expect(await page.evaluate(() => history.length)).toBe(historyLength);

  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(page.url());
  await expect(other.getByLabel('Epochs')).toHaveValue('3');
  await expect(other.getByLabel('Seed', { exact: true })).toHaveValue('7');
  await expect(other.getByLabel('Batch size')).toHaveValue('128');
  for (const [name, checked] of [['SGD', true], ['Adam', true], ['Adagrad', false], ['Adadelta', true], ['RMSprop', true]] as const) {
    await expect(other.getByRole('checkbox', { name, exact: true })).toBeChecked({ checked });
  }
  const otherSgd = other.getByRole('group', { name: /^SGD settings/ });
  await expect(otherSgd.getByLabel('Momentum', { exact: true })).toHaveValue('0.9');
  await expect(otherSgd.getByLabel('Nesterov momentum')).toBeChecked();
  await expect(other.getByRole('group', { name: /^Adam settings/ }).getByLabel('Learning rate')).toHaveValue('0.002');
  await expect(other.getByLabel('Show training curves')).not.toBeChecked();
  await expect(other.getByRole('status', { name: 'Link corrections' })).toHaveCount(0);
  await fresh.close();
});

test('a hostile link is corrected with one calm notice and nothing from it runs as markup', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  const hostile = new URLSearchParams([
    ['v', '1'],
    ['adam.lr', 'abc'],
    ['epochs', '1e999'],
    ['sgd.momentum', '<img src=x onerror=alert(1)>'],
    ['<script>alert(2)</script>', '1'],
    ['__proto__', 'x'],
    ['opt', 'adam,sgd,evil'],
  ]);
  await page.goto(`/?${hostile}`);
  const notice = page.getByRole('status', { name: 'Link corrections' });
  await expect(notice).toContainText('Adam learning rate "abc" is not a number; using 0.001.');
  await expect(notice).toContainText('Epochs "1e999" is out of range; using 100.');
  await expect(notice).toContainText('SGD momentum "<img src=x onerror=alert(1)>" is not a number; using 0.');
  await expect(notice).toContainText('Unknown optimizer "evil" ignored.');
  await expect(notice).toContainText('Ignored unknown settings "<script>alert(2)</script>", "__proto__".');
  await expect(notice.locator('img, script')).toHaveCount(0);

  await expect(page.getByLabel('Epochs')).toHaveValue('100');
  await expect(page.getByRole('checkbox', { name: 'Adagrad', exact: true })).not.toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'SGD', exact: true })).toBeChecked();
  // The address bar now holds the corrected experiment.
  await expect(page).toHaveURL(/\?v=2&opt=sgd,adam&epochs=100&smooth=0$/);
  await page.getByRole('button', { name: 'OK' }).click();
  await expect(notice).toHaveCount(0);
  expect(dialogs).toBe(0);
  expect(await page.evaluate(() => Object.prototype.hasOwnProperty.call(Object.prototype, 'x'))).toBe(false);
});
