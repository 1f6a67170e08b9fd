import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test, trainToEnd, waitForData } from './fixtures';

const LINK = '/?v=2&opt=sgd,adam,adam2&epochs=1&examples=2000&adam2.lr=0.01';
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const panelOf = (page: Page) => page.getByRole('region', { name: 'Evaluation' });

async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).include('[aria-label="Evaluation"]').analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The 100 counts of the grid, row by row. */
async function counts(grid: Locator): Promise<number[]> {
  const texts = await grid.getByRole('gridcell', { name: /^True \d, predicted \d:/ }).allInnerTexts();
  return texts.map((t) => Number(t.replace(/,/g, '')));
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);

/** Points of a hand-drawn "7" across a box, as fractions of its width and height. */
const SEVEN = [
  [0.25, 0.2],
  [0.45, 0.2],
  [0.7, 0.2],
  [0.6, 0.4],
  [0.5, 0.6],
  [0.42, 0.85],
];

test('evaluates a finished contestant by keyboard: confusion grid, per-class accuracy, mistakes; draws a digit with the mouse', async ({ page }) => {
  await page.goto(LINK);
  await waitForData(page);
  const panel = panelOf(page);
  await expect(panel.getByText('Train a run to evaluate its contestants here.')).toBeVisible();
  await trainToEnd(page, 120_000);

  // Choose and evaluate with the keyboard alone.
  const select = panel.getByRole('combobox', { name: 'Contestant' });
  await expect(select.getByRole('option')).toHaveText(['SGD', 'Adam', 'Adam 2']);
  await select.focus();
  await select.selectOption({ label: 'Adam' });
  await page.keyboard.press('Tab');
  await expect(panel.getByRole('button', { name: 'Evaluate' })).toBeFocused();
  await page.keyboard.press('Enter');

  const grid = panel.getByRole('grid', { name: 'Confusion matrix of Adam' });
  await expect(grid).toBeVisible();
  await expect(panel.getByRole('status').first()).toHaveText(/^Adam: [\d,]+ of 10,000 test digits right \([\d.]+ %\), evaluated in [\d.]+ s\.$/);
  const matrix = await counts(grid);
  expect(matrix).toHaveLength(100);
  expect(matrix.reduce((a, b) => a + b, 0)).toBe(10_000);
  // The diagonal is the final test accuracy the results table shows (two decimals of a percentage: exact).
  const diagonal = matrix.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
  const adamRow = page.getByRole('region', { name: 'Results' }).getByRole('row', { name: /^Adam\b(?! 2)/ });
  const tableAccuracy = (await adamRow.getByRole('cell').nth(4).innerText()).replace(' %', '');
  expect((diagonal / 100).toFixed(2)).toBe(tableAccuracy);
  // One epoch of 2,000 examples: Adam is well past chance (~76 %).
  expect(diagonal / 10_000).toBeGreaterThan(0.5);

  // One cell in the tab order; arrows, End and Home move within the grid.
  await expect(grid.locator('[tabindex="0"]')).toHaveCount(1);
  await grid.getByRole('gridcell', { name: /^True 0, predicted 0:/ }).focus();
  expect(await focusedName(page)).toBe(`True 0, predicted 0: ${matrix[0]} examples`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  expect(await focusedName(page)).toMatch(/^True 1, predicted 1: \d+ examples?$/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  expect(await focusedName(page)).toBe(`True 2, predicted 0: ${matrix[20]} example${matrix[20] === 1 ? '' : 's'}`);
  await page.keyboard.press('End');
  expect(await focusedName(page)).toMatch(/^True 2, predicted 9:/);
  await page.keyboard.press('Control+End');
  expect(await focusedName(page)).toMatch(/^True 9, predicted 9:/);
  await expect(grid.locator('[tabindex="0"]')).toHaveCount(1);
  // Tab leaves the grid and Shift+Tab comes back to the same cell.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  expect(await focusedName(page)).toMatch(/^True 9, predicted 9:/);
  // Hover shows the same words as a tooltip and under the grid.
  const cell = grid.getByRole('gridcell', { name: /^True 4, predicted 9:/ });
  await cell.hover();
  const name = await cell.getAttribute('aria-label');
  expect(await cell.getAttribute('title')).toBe(name);
  await expect(panel.locator('.confusion__detail')).toHaveText(name!);

  // Per-class accuracy: ten digits with text values.
  const classes = panel.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Accuracy' }) });
  await expect(classes.getByRole('row')).toHaveCount(11);
  await expect(classes.getByRole('row', { name: /^0 / }).getByRole('cell')).toHaveText([/^[\d,]+ of [\d,]+$/, /^[\d.]+ %$/]);

  // The most confident mistakes, each with its image, verdict and top probabilities.
  const thumbnails = panel.getByRole('img', { name: /^Test image [\d,]+, a handwritten \d$/ });
  const mistakes = 10_000 - diagonal;
  await expect(thumbnails).toHaveCount(Math.min(40, mistakes));
  const first = panel.getByRole('listitem').filter({ has: page.getByRole('img', { name: /^Test image/ }) }).first();
  await expect(first).toContainText(/True (\d) → predicted (?!\1)\d/);
  await expect(first).toContainText(/\d (\d+|<1) %, \d (\d+|<1) %, \d (\d+|<1) %/);
  expect(await thumbnails.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(28);

  // Another contestant: chosen, it loads at once (the user asked for one already).
  await select.selectOption({ label: 'SGD' });
  await expect(panel.getByRole('grid', { name: 'Confusion matrix of SGD' })).toBeVisible();

  await expectAccessible(page);

  // Draw a 7 with the mouse: every contestant answers.
  const canvas = panel.getByRole('img', { name: 'Draw a digit' });
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const at = ([x, y]: number[]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(SEVEN[0]));
  await page.mouse.down();
  for (const p of SEVEN.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
  await page.mouse.up();
  const predictions = panel.getByRole('list', { name: 'Predictions' }).getByRole('listitem');
  await expect(predictions).toHaveCount(3);
  await expect(predictions).toContainText([/^SGD\s*\d/, /^Adam\s*\d/, /^Adam 2\s*\d/]);
  for (const item of await predictions.all()) await expect(item).toContainText(/\d (\d+|<1) %, \d (\d+|<1) %, \d (\d+|<1) %/);
  await expect(panel.getByRole('img', { name: 'Your digit as the networks see it, 28 by 28 pixels' })).toBeVisible();
  await panel.screenshot({ path: test.info().outputPath('evaluation.png') });
  await expectAccessible(page);

  await panel.getByRole('button', { name: 'Clear' }).click();
  await expect(panel.getByRole('list', { name: 'Predictions' })).toHaveCount(0);

  // A new run replaces the weights: the previous evaluations are gone, the new ones are asked for afresh.
  await trainToEnd(page, 120_000);
  await expect(panel.getByRole('grid')).toHaveCount(0);
  await expect(panel.getByText('Press Evaluate to see where SGD goes wrong on the test set.')).toBeVisible();
});

test.describe('on a 390 px touch screen', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

  test('evaluates and draws by touch without scrolling sideways or scrolling the page while drawing', async ({ page }) => {
    await page.goto('/?v=2&opt=sgd,adam&epochs=1&examples=2000');
    await waitForData(page);
    await trainToEnd(page, 120_000);
    const panel = panelOf(page);
    // Adam: counts of four digits on the diagonal, the widest the grid must fit.
    await panel.getByRole('combobox', { name: 'Contestant' }).selectOption({ label: 'Adam' });
    await panel.getByRole('button', { name: 'Evaluate' }).tap();
    const grid = panel.getByRole('grid', { name: 'Confusion matrix of Adam' });
    await expect(grid).toBeVisible();
    await grid.screenshot({ path: test.info().outputPath('confusion-390.png') });
    // Every count fits its cell.
    expect(await grid.getByRole('gridcell', { name: /^True/ }).evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).length)).toBe(0);
    await expect(panel.getByRole('img', { name: /^Test image/ }).first()).toBeVisible();

    const canvas = panel.getByRole('img', { name: 'Draw a digit' });
    await canvas.scrollIntoViewIfNeeded();
    await canvas.evaluate((element) => {
      const types: string[] = [];
      (window as unknown as { pointerTypes: string[] }).pointerTypes = types;
      element.addEventListener('pointerdown', (e) => types.push((e as PointerEvent).pointerType));
    });
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const box = (await canvas.boundingBox())!;
    const touch = (x: number, y: number) => ({ x: box.x + x * box.width, y: box.y + y * box.height });
    // Real touch input (as a finger gives it): touchstart, moves, touchend through the browser's input pipeline.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [touch(0.5, 0.15)] });
    for (let i = 1; i <= 12; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [touch(0.5, 0.15 + (0.7 * i) / 12)] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });

    const predictions = panel.getByRole('list', { name: 'Predictions' }).getByRole('listitem');
    await expect(predictions).toHaveCount(2);
    await expect(predictions).toContainText([/^SGD\s*\d/, /^Adam\s*\d/]);
    expect(await page.evaluate(() => (window as unknown as { pointerTypes: string[] }).pointerTypes)).toEqual(['touch']);
    // touch-action: none: the finger drew, the page stayed where it was.
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    // The seen digit is a vertical stroke: a 1 for a trained network, at least for Adam.
    await expect(predictions.nth(1)).toContainText(/^Adam\s*1/);

    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await panel.screenshot({ path: test.info().outputPath('evaluation-390.png') });
    await expectAccessible(page);
  });
});
