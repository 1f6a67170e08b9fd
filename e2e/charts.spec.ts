import { expect, test, trainToEnd, waitForData } from './fixtures';

test('Smoothing: TensorBoard’s average over the live training curves, the raw curve faint behind, in the link', async ({ page }) => {
  await page.goto('/?v=2&opt=sgd,adam&epochs=1&examples=6000');
  await waitForData(page);
  await trainToEnd(page);
  const loss = page.getByRole('figure', { name: 'Loss' });
  const smoothing = page.getByRole('slider', { name: 'Smoothing' });
  // TensorBoard's default: each live training line drawn smoothed over its faint raw self.
  await expect(smoothing).toHaveValue('0.6');
  await expect(loss.locator('path.series-line--raw')).toHaveCount(2);
  await expect(loss.locator('path.series-line--train')).toHaveCount(2);
  const smoothedPath = await loss.locator('path.series-line--train').first().getAttribute('d');
  const rawPath = await loss.locator('path.series-line--raw').first().getAttribute('d');
  expect(smoothedPath).not.toBe(rawPath);

  await smoothing.fill('0');
  await expect(page).toHaveURL(/[?&]smooth=0(&|$)/);
  await expect(loss.locator('path.series-line--raw')).toHaveCount(0);
  // Unsmoothed, the training line is the raw one.
  await expect(loss.locator('path.series-line--train').first()).toHaveAttribute('d', rawPath!);

  await smoothing.fill('0.9');
  await expect(page).toHaveURL(/[?&]smooth=0\.9(&|$)/);
  await expect(page.getByRole('group', { name: 'Chart options' }).getByText('0.90')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('slider', { name: 'Smoothing' })).toHaveValue('0.9');
});
