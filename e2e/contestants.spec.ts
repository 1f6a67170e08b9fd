import { readFile } from 'node:fs/promises';
import { download, expect, selectOnly, test, trainToEnd, waitForData } from './fixtures';

test('Adam 2 at learning rate 0.01 beside Adam at 0.001, on a two-layer tanh network', async ({ page }) => {
  await page.goto('/');
  await waitForData(page);
  await selectOnly(page, ['Adam']);
  await page.getByRole('button', { name: 'Add another Adam', exact: true }).click();
  const adam2 = page.getByRole('checkbox', { name: 'Adam 2', exact: true });
  await expect(adam2).toBeChecked();
  // Keyboard focus follows to the new contestant instead of falling to the page.
  await expect(adam2).toBeFocused();
  const settings = page.getByRole('group', { name: 'Adam 2 settings', exact: true });
  await expect(settings.getByLabel('Learning rate')).toHaveValue('0.001');
  await settings.getByLabel('Learning rate').fill('0.01');

  // Shapes past the limits are refused at the field, the limit named.
  await page.getByLabel('Hidden layers').fill('4');
  await expect(page.getByLabel('Hidden layers')).toHaveAccessibleDescription(/^Hidden layers must be at least 0 and at most 3\. /);
  await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
  await page.getByLabel('Hidden layers').fill('2');
  await page.getByLabel('Layer 1 units').fill('2000');
  await expect(page.getByLabel('Layer 1 units')).toHaveAccessibleDescription(/^Layer 1 units must be at least 8 and at most 1,024\. /);
  await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
  await page.getByLabel('Layer 1 units').fill('64');
  await page.getByLabel('Layer 2 units').fill('32');
  await page.getByLabel('Activation').selectOption('tanh');
  await expect(page.getByText('784 → 64 tanh → 32 tanh → 10 softmax')).toBeVisible();
  await page.getByLabel('Epochs').fill('1');
  await page.getByLabel('Training examples').fill('2000');

  // The whole experiment is in the address bar.
  await expect(page).toHaveURL(/[?&]opt=adam,adam2(&|$)/);
  await expect(page).toHaveURL(/[?&]adam2\.lr=0\.01(&|$)/);
  await expect(page).toHaveURL(/[?&]layers=2&units1=64&units2=32&act=tanh(&|$)/);

  await trainToEnd(page);
  await expect(page.getByRole('list', { name: 'Chart legend' }).getByRole('listitem')).toHaveText(['Adam', 'Adam 2']);
  const table = page.getByRole('table');
  await expect(table.getByRole('rowheader')).toHaveText([/^Adam(, best)?$/, /^Adam 2(, best)?$/]);
  await expect(table.getByRole('caption')).toHaveText('Network 784 → 64 tanh → 32 tanh → 10 softmax');
  // Each contestant has its own colour, the same in the legend and the table.
  const legendColours = await page.getByRole('list', { name: 'Chart legend' }).locator('svg line').evaluateAll((lines) => lines.map((l) => l.getAttribute('stroke')));
  const tableColours = await table.locator('svg line').evaluateAll((lines) => lines.map((l) => l.getAttribute('stroke')));
  expect(new Set(legendColours).size).toBe(2);
  expect(tableColours).toEqual(legendColours);
  // The results file holds both contestants, trained on that network.
  const results = JSON.parse((await download(page, 'Download JSON')).bytes.toString('utf8'));
  expect(results.experiment.network).toEqual({ hiddenLayers: [64, 32], activation: 'tanh' });
  expect(results.runs.map((r: { contestant: string }) => r.contestant)).toEqual(['adam', 'adam2']);
  for (const run of results.runs) expect(run.history[0].testAccuracy).toBeGreaterThan(0.5);

  await page.getByRole('button', { name: 'Remove Adam 2' }).click();
  await expect(adam2).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: 'Adam', exact: true })).toBeFocused();
  await expect(page).not.toHaveURL(/adam2/);
});

test('a version-1 link opens to the experiment it described', async ({ page }) => {
  await page.goto('/?v=1&opt=sgd,adam&epochs=2&adam.lr=0.002');
  for (const [name, ticked] of [['SGD', true], ['Adam', true], ['Adagrad', false], ['Adadelta', false], ['RMSprop', false]] as const) {
    await expect(page.getByRole('checkbox', { name, exact: true })).toBeChecked({ checked: ticked });
  }
  await expect(page.getByRole('group', { name: 'Adam settings', exact: true }).getByLabel('Learning rate')).toHaveValue('0.002');
  await expect(page.getByLabel('Hidden layers')).toHaveValue('1');
  await expect(page.getByLabel('Layer 1 units')).toHaveValue('128');
  // Rewritten in the current format, meaning the same (v1 drew the training curves raw).
  await expect(page).toHaveURL(/\?v=2&opt=sgd,adam&epochs=2&adam\.lr=0\.002&smooth=0$/);

  // No `opt` in version 1 meant the five optimizers of the time.
  await page.goto('/?v=1&epochs=3');
  for (const name of ['SGD', 'Adam', 'Adagrad', 'Adadelta', 'RMSprop']) await expect(page.getByRole('checkbox', { name, exact: true })).toBeChecked();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a version-1 results file opens as before', async ({ page }) => {
  await page.goto('/');
  await waitForData(page);
  const bytes = await readFile('docs/results/article.json');
  await page.getByLabel('Results file to open').setInputFiles({ name: 'article.json', mimeType: 'application/json', buffer: bytes });
  await expect(page.getByText('Opened from article.json')).toBeVisible();
  const table = page.getByRole('table');
  await expect(table.getByRole('rowheader')).toHaveText([/^SGD/, /^Adam/, /^Adagrad/, /^Adadelta/, /^RMSprop/]);
  await expect(table.getByRole('caption')).toHaveText('Network 784 → 128 ReLU → 10 softmax');
  await expect(page.getByRole('checkbox', { name: 'Adam', exact: true })).toBeChecked();
});

test('after an upgrade, the run saved by the older version opens; one this version cannot read is set aside with a notice', async ({ page }) => {
  const v1 = (await readFile('docs/results/article.json')).toString('utf8');
  await page.goto('/');
  await page.evaluate((text) => localStorage.setItem('optimizer-playground/last-results', text), v1);
  await page.reload();
  await expect(page.getByText('Restored from your last visit.')).toBeVisible();
  await expect(page.getByRole('table').getByRole('rowheader')).toHaveCount(5);

  await page.evaluate(() => localStorage.setItem('optimizer-playground/last-results', '{"format":"optimizer-playground-results","version":99}'));
  await page.reload();
  await expect(page.getByText('Your last visit’s results could not be read by this version of the app, so they were set aside.')).toBeVisible();
  await expect(page.getByText('Choose optimizers and press Train.')).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('optimizer-playground/last-results'))).toBeNull();
  await waitForData(page);
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled();
});
