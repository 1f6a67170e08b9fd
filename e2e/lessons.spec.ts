import { expect, test, trainToEnd, waitForData } from './fixtures';

/** Lessons (issue 14, point 2): from the menu or a link, a prediction before training, the answer after. */
test('a lesson from the menu: predict, train, Show answer says what this run measured and whether the prediction matched', async ({ page }) => {
  await page.goto('/');
  await waitForData(page);
  await page.getByRole('button', { name: 'Lessons' }).click();
  await page.getByRole('link', { name: 'Momentum helps SGD' }).click();
  const lesson = page.getByRole('region', { name: 'Lesson: Momentum helps SGD' });
  await expect(lesson).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Lesson: Momentum helps SGD' })).toBeFocused();
  await expect(page).toHaveURL(/\?v=2&lesson=momentum$/);
  await expect(page.getByLabel('Epochs')).toHaveValue('2');
  await expect(page.getByRole('group', { name: /^SGD 2 settings/ }).getByLabel('Momentum', { exact: true })).toHaveValue('0.9');

  await expect(lesson.getByRole('button', { name: 'Show answer' })).toBeDisabled();
  await lesson.getByRole('radio', { name: 'With momentum' }).check();
  await expect(lesson.getByRole('status')).toHaveText(/Your prediction: With momentum\./);
  await trainToEnd(page, 120_000);
  // The prediction was made before the run: it stays as it was.
  await expect(lesson.getByRole('radio', { name: 'Without momentum' })).toBeDisabled();
  await lesson.getByRole('button', { name: 'Show answer' }).click();
  const answer = lesson.getByRole('region', { name: 'Answer' });
  await expect(answer).toContainText(/In this run SGD with momentum 0\.9 reached \d+\.\d % test accuracy/);
  await expect(answer).toContainText(/SGD without momentum reached \d+\.\d % test accuracy/);
  await expect(answer).toContainText('Your prediction matches this run: “With momentum”.');
});

test('a lesson link opens the lesson with its settings, and with instructor keys it is locked down', async ({ page }) => {
  await page.goto('/?v=2&lesson=learning-rate-too-large&lock=training,sgd&conceal=lessons');
  await expect(page.getByRole('heading', { name: 'Lesson: A learning rate too large (SGD at 0.01, 0.1, 1 and 10)' })).toBeVisible();
  for (const name of ['SGD', 'SGD 2', 'SGD 3', 'SGD 4']) await expect(page.getByRole('checkbox', { name, exact: true })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Adam', exact: true })).not.toBeChecked();
  await expect(page.getByRole('group', { name: /^SGD 4 settings/ }).getByLabel('Learning rate')).toHaveValue('10');
  await expect(page.getByRole('group', { name: /^SGD 4 settings/ }).getByLabel('Learning rate')).toBeDisabled();
  await expect(page.getByLabel('Epochs')).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Lessons' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Leave lesson' }).click();
  await expect(page.getByRole('heading', { name: /^Lesson:/ })).toHaveCount(0);
  await expect(page).toHaveURL(/\?v=2&opt=sgd,sgd2,sgd3,sgd4&epochs=2&examples=10000&sgd2\.lr=0\.1&sgd3\.lr=1&sgd4\.lr=10&conceal=lessons&lock=training,sgd$/);
});
