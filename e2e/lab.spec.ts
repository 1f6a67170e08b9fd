import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The loss-surface lab (issue 13, part 2), driven as a lecturer would: open it by its
 * tab, choose a surface, type a start, step, play and pause, drag the start point,
 * and share the lab as a link.
 */

const iteration = (page: Page) => page.getByTestId('lab-iteration');
const loss = (page: Page, key: string) => page.getByTestId(`lab-loss-${key}`);
const pathPoints = async (page: Page, key: string) => Number(await page.getByTestId(`lab-path-${key}`).getAttribute('data-points'));
const startLabel = (page: Page) => page.getByTestId('lab-start').getAttribute('aria-label');

test('open the lab, choose Rosenbrock, type a start, step, play and pause, drag the start', async ({ page }) => {
  await page.goto('/?v=2&opt=sgd,adam&sgd.lr=0.0005&sgd.momentum=0.9&adam.lr=0.05');
  await page.getByRole('tab', { name: 'Loss surface lab' }).click();
  await expect(page.getByRole('tab', { name: 'Loss surface lab' })).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/[?&]view=lab(&|$)/);

  await page.getByRole('combobox', { name: 'Surface' }).selectOption({ label: 'Beale' });
  await expect(page.getByLabel('Start x')).toHaveValue('1');
  await page.getByRole('combobox', { name: 'Surface' }).selectOption({ label: 'Rosenbrock' });
  await expect(page.getByTestId('lab-contours')).toHaveAttribute('data-levels', /^\d+$/);
  expect(Number(await page.getByTestId('lab-contours').getAttribute('data-levels'))).toBeGreaterThan(5);
  await expect(page.getByTestId('lab-plot').getByText('minimum (1, 1)')).toBeVisible();

  await page.getByLabel('Start x').fill('-1.2');
  await page.getByLabel('Start y').fill('1.5');
  await expect(page).toHaveURL(/sx=-1\.2&sy=1\.5/);
  await expect(iteration(page)).toHaveText('Iteration 0 of 300');
  // At the start, every loss is f(−1.2, 1.5) = 2.2² + 100·0.06² = 5.2.
  await expect(loss(page, 'sgd')).toHaveText('5.200');
  await expect(loss(page, 'adam')).toHaveText('5.200');

  for (let i = 0; i < 10; i++) await page.getByRole('button', { name: 'Step' }).click();
  await expect(iteration(page)).toHaveText('Iteration 10 of 300');
  expect(await pathPoints(page, 'sgd')).toBe(11);
  const adamAfter10 = Number(await loss(page, 'adam').textContent());
  expect(adamAfter10).toBeLessThan(5.2);
  expect(adamAfter10).not.toBe(Number(await loss(page, 'sgd').textContent()));

  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => Number((await iteration(page).textContent())!.match(/\d+/)![0])).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Pause' }).click();
  const paused = await iteration(page).textContent();
  await page.waitForTimeout(400);
  await expect(iteration(page)).toHaveText(paused!);
  const stepped = Number(paused!.match(/\d+/)![0]);
  expect(stepped).toBeLessThan(300);

  // Drag the start point with the mouse to the plot's upper-left area: the paths start again from there.
  const handle = page.getByTestId('lab-start');
  const from = (await handle.boundingBox())!;
  const plot = (await page.getByTestId('lab-plot').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.3, plot.y + plot.height * 0.25, { steps: 6 });
  // While the button is down the paths and fields follow; the link waits for the drop.
  await expect(page.getByLabel('Start x')).not.toHaveValue('-1.2');
  expect(page.url()).toMatch(/sx=-1\.2&sy=1\.5/);
  await page.mouse.up();
  const x = Number(await page.getByLabel('Start x').inputValue());
  const y = Number(await page.getByLabel('Start y').inputValue());
  expect(x).not.toBe(-1.2);
  expect(y).not.toBe(1.5);
  expect(await startLabel(page)).toContain(`(${x}, ${y})`);
  await expect(page).toHaveURL(new RegExp(`sx=${x}&sy=${y}`.replace(/[.]/g, '\\.')));
  // Same iteration, recomputed from the new start: the table's first position is the new start's neighbourhood.
  await expect(iteration(page)).toHaveText(paused!);
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(iteration(page)).toHaveText('Iteration 0 of 300');
  await expect(page.getByTestId('lab-row-adam').getByRole('cell').nth(1)).toHaveText(x.toFixed(3));
  await expect(page.getByTestId('lab-row-adam').getByRole('cell').nth(2)).toHaveText(y.toFixed(3));

  // And back to training.
  await page.getByRole('tab', { name: 'Training' }).click();
  await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();
  await expect(page).not.toHaveURL(/view=lab/);
});

test("a shared link opens 'Adam vs SGD with momentum on Rosenbrock from (−1.5, 2)'", async ({ page }) => {
  await page.goto('/?v=2&opt=adam,sgd&sgd.momentum=0.9&view=lab&surf=rosenbrock&sx=-1.5&sy=2&steps=100');
  await expect(page.getByRole('tab', { name: 'Loss surface lab' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('combobox', { name: 'Surface' })).toHaveValue('rosenbrock');
  await expect(page.getByLabel('Start x')).toHaveValue('-1.5');
  await expect(page.getByLabel('Start y')).toHaveValue('2');
  await expect(iteration(page)).toHaveText('Iteration 0 of 100');
  await expect(page.getByRole('table', { name: /Loss after/ }).getByRole('rowheader')).toHaveText(['SGD', 'Adam']);
  // Play to the end: it stops there by itself.
  await page.getByLabel('Speed').fill('1000');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(iteration(page)).toHaveText('Iteration 100 of 100');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  // Keras's default SGD rate with momentum 0.9 overshoots on Rosenbrock: the lab says where.
  await expect(loss(page, 'sgd')).toContainText('diverged at step');
  expect(await pathPoints(page, 'adam')).toBe(101);
});

test('the start point moves with the arrow keys; the quadratic shows κ; noise changes the path', async ({ page }) => {
  await page.goto('/?v=2&opt=adam&adam.lr=0.1&view=lab&surf=quadratic&sx=-1.5&sy=1');
  await expect(page.getByLabel('Condition number κ')).toHaveValue('10');
  await page.getByTestId('lab-start').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByLabel('Start x')).toHaveValue('-1.42');
  await page.getByLabel('Condition number κ').fill('100');
  await expect(page).toHaveURL(/kappa=100/);
  for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step' }).click();
  const clean = await loss(page, 'adam').textContent();
  await page.getByLabel('Gradient noise').fill('5');
  await expect(loss(page, 'adam')).not.toHaveText(clean!);
  await page.getByLabel('Gradient noise').fill('abc');
  await expect(page.getByText('Gradient noise: "abc" is not a number.')).toBeVisible();
});

test.describe('on a 390 px touch phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('no horizontal scrolling in the lab; a tap on the plot places the start', async ({ page }) => {
    await page.goto('/?v=2&view=lab&surf=himmelblau');
    await expect(page.getByLabel('Start x')).toHaveValue('0');
    await expect(page.getByTestId('lab-plot').getByText('minimum (3, 2)')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The plot takes the phone's width, not more.
    await page.getByTestId('lab-plot').scrollIntoViewIfNeeded();
    const plot = (await page.getByTestId('lab-plot').boundingBox())!;
    expect(plot.width).toBeGreaterThan(300);
    await page.touchscreen.tap(plot.x + plot.width * 0.3, plot.y + plot.height * 0.3);
    await expect.poll(async () => Number(await page.getByLabel('Start x').inputValue())).toBeLessThan(-1);
    expect(Number(await page.getByLabel('Start y').inputValue())).toBeGreaterThan(1);
    await expect(page).toHaveURL(/sx=-[\d.]+&sy=[\d.]+/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
