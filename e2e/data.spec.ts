import { expect, test } from './fixtures';

test.describe('damaged data', () => {
  test.use({ expectedConsoleErrors: /Failed to load resource: the server responded with a status of 404/ });

  test('a missing shard is named once and Train stays off', async ({ page }) => {
    let requests = 0;
    await page.route('**/data/mnist/train-images-3.bin', (route) => {
      requests += 1;
      return route.fulfill({ status: 404, body: 'not found' });
    });
    // Two workers, but only the primary downloads: one request, one message.
    await page.goto('/#workers=2');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('The dataset could not be loaded.');
    await expect(alert).toContainText('Data shard train-images-3.bin is missing (HTTP 404)');
    await expect(alert).toHaveCount(1);
    await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
    expect(requests).toBe(1);
  });
});

test('a corrupt shard is named, and Try again recovers once the file is whole', async ({ page }) => {
  let corrupt = true;
  await page.route('**/data/mnist/test-labels.bin', async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    if (corrupt) body[body.length - 5] ^= 0xff;
    await route.fulfill({ response, body });
  });
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('Data shard test-labels.bin is corrupt: its SHA-256 does not match the manifest.');
  corrupt = false;
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByText(/MNIST ready: 60,000 training and 10,000 test images/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled();
});

test('a truncated shard is named', async ({ page }) => {
  await page.route('**/data/mnist/train-labels.bin', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.body()).subarray(0, 1000) });
  });
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('Data shard train-labels.bin is truncated or damaged: expected');
});

test('shows loading progress and the verified dataset', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/MNIST ready: 60,000 training and 10,000 test images, verified\./)).toBeVisible();
});

test('a malformed manifest is named, nothing trains, and the rest of the page still works', async ({ page }) => {
  await page.route('**/data/mnist/manifest.json', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ format: 1, imageShape: [28, 28], numClasses: 10, shards: 'lots' }) }),
  );
  await page.goto('/?v=1&epochs=3');
  await expect(page.getByRole('alert')).toContainText('manifest.json is malformed');
  await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
  // The settings are untouched and still editable; the link still follows them.
  await page.getByLabel('Epochs').fill('4');
  await expect(page).toHaveURL(/epochs=4/);
});
