import { expect, test, trainToEnd, waitForData } from './fixtures';

/**
 * Instructor links (issue 14, point 3): the Instructor panel hides and locks controls
 * and copies the student link; a student opening it sees only what was left, locked
 * fields disabled; `start=1` trains on one key press.
 */
test('an instructor hides and locks controls and copies the link; the student sees only what was left', async ({ page, browser, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?v=2&opt=sgd,adam&epochs=1&examples=2000');
  await page.getByRole('button', { name: 'Instructor' }).click();
  const dialog = page.getByRole('dialog', { name: 'Instructor link' });
  await expect(dialog).toBeVisible();
  for (const [control, access] of [
    ['Network', 'Hidden'],
    ['Loss-surface lab tab', 'Hidden'],
    ['Instructor panel', 'Hidden'],
    ['Optimizer checkboxes', 'Hidden'],
    ['Training settings', 'Locked'],
    ['SGD settings', 'Locked'],
  ] as const) {
    await dialog.getByRole('combobox', { name: control, exact: true }).selectOption({ label: access });
  }
  await dialog.getByRole('button', { name: 'Copy student link' }).click();
  await expect(dialog.getByText('Student link copied.')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(new URL(link).search).toBe('?v=2&opt=sgd,adam&epochs=1&examples=2000&conceal=network,contestants,lab,instructor&lock=training,sgd');

  // The instructor's own page is unchanged.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByLabel('Hidden layers')).toBeEditable();
  await expect(page.getByLabel('Epochs')).toBeEditable();
  expect(new URL(page.url()).search).not.toContain('conceal');

  const student = await (await browser.newContext()).newPage();
  await student.goto(link);
  await waitForData(student);
  // Hidden: not there at all.
  await expect(student.getByRole('group', { name: 'Network' })).toHaveCount(0);
  await expect(student.getByLabel('Hidden layers')).toHaveCount(0);
  await expect(student.getByRole('tab')).toHaveCount(0);
  await expect(student.getByRole('button', { name: 'Instructor' })).toHaveCount(0);
  await expect(student.getByRole('checkbox', { name: 'SGD', exact: true })).toHaveCount(0);
  await expect(student.getByRole('heading', { name: 'Nadam' })).toHaveCount(0);
  await expect(student.getByRole('heading', { name: 'Adam', exact: true })).toBeVisible();
  // Locked: shown, disabled, and said so.
  for (const field of ['Epochs', 'Batch size', 'Training examples', 'Seed', 'Seeds']) await expect(student.getByLabel(field, { exact: true })).toBeDisabled();
  await expect(student.getByRole('group', { name: /^SGD settings/ }).getByLabel('Learning rate')).toBeDisabled();
  await expect(student.getByRole('button', { name: 'Reset SGD to Keras defaults' })).toBeDisabled();
  await expect(student.getByText('Locked by the instructor.').first()).toBeVisible();
  // What was left works.
  const adamRate = student.getByRole('group', { name: /^Adam settings/ }).getByLabel('Learning rate');
  await expect(adamRate).toBeEditable();
  await expect(student.getByRole('button', { name: 'Train' })).toBeEnabled();
  // Locked controls are out of the tab order: Tab from the top past Adam's fields never lands on one.
  await student.locator('body').focus();
  let reachedAdam = false;
  for (let i = 0; i < 60 && !reachedAdam; i++) {
    await student.keyboard.press('Tab');
    const focused = await student.evaluate(() => {
      const element = document.activeElement;
      return { locked: !!element?.matches('input, select, button, textarea') && !!element.closest('fieldset[disabled]'), label: element?.getAttribute('aria-label') ?? '' };
    });
    expect(focused.locked, 'a locked control took focus').toBe(false);
    reachedAdam = focused.label === 'Reset Adam to Keras defaults';
  }
  expect(reachedAdam, 'Tab reached the controls after the locked ones').toBe(true);
});

test('the Instructor panel fits a 390 px phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?v=2');
  await page.getByRole('button', { name: 'Instructor' }).click();
  await expect(page.getByRole('dialog', { name: 'Instructor link' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const box = (await page.getByRole('dialog', { name: 'Instructor link' }).boundingBox())!;
  expect(box.x >= 0 && box.x + box.width <= 390).toBe(true);
});

test('a start link shows a start overlay that trains on one key press, even pressed while MNIST loads', async ({ page }) => {
  await page.goto('/?v=2&opt=sgd&epochs=1&examples=2000&start=1&conceal=train');
  const overlay = page.getByRole('dialog', { name: 'Ready to train' });
  await expect(overlay).toBeVisible();
  await expect(overlay.getByRole('button', { name: 'Start training' })).toBeFocused();
  await page.keyboard.press('k');
  await expect(page.getByText('Training finished.')).toBeVisible({ timeout: 120_000 });
  await expect(overlay).toHaveCount(0);
  // Train itself was hidden by the link: the overlay was the way in.
  await expect(page.getByRole('button', { name: 'Train' })).toHaveCount(0);
});

test('Esc closes the start overlay without training; a locked presentation toggle takes P away too', async ({ page }) => {
  await page.goto('/?v=2&start=1&lock=presentation');
  await expect(page.getByRole('dialog', { name: 'Ready to train' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Ready to train' })).toHaveCount(0);
  await waitForData(page);
  await expect(page.getByText('Training finished.')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Presentation mode' })).toBeDisabled();
  await page.keyboard.press('p');
  await expect(page.getByRole('button', { name: 'Presentation mode' })).toHaveAttribute('aria-pressed', 'false');
});

test('locked chart options lock zoom too: a drag across a chart changes nothing and the chart says so', async ({ page }) => {
  await page.goto('/?v=2&opt=sgd&epochs=1&examples=2000&lock=charts');
  await waitForData(page);
  await trainToEnd(page, 120_000);
  const plot = page.getByRole('group', { name: 'Loss chart: arrow keys read the values', exact: true });
  await expect(plot).toBeVisible();
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await plot.focus();
  await page.keyboard.press('+');
  // The link is written shortly after a change: give a zoom the time to reach it.
  await page.waitForTimeout(1000);
  expect(page.url()).not.toMatch(/zoom=/);
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeDisabled();
});
