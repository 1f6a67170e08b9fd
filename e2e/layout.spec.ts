import { expect, test, trainToEnd, waitForData } from './fixtures';

for (const { name, width, height } of [
  { name: 'a 390 px phone', width: 390, height: 844 },
  { name: 'a 1280 x 720 projector', width: 1280, height: 720 },
]) {
  test(`on ${name} the page never scrolls sideways, results included (the table scrolls in its panel)`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('/?v=2&opt=sgd,adam,adam2&epochs=1&examples=2000&adam2.lr=0.01');
    await waitForData(page);
    await trainToEnd(page);
    await expect(page.getByRole('table').getByRole('rowheader')).toHaveCount(3);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });
}

test('on a 390 px phone every typeset update rule fits its card (MathML does not wrap)', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await waitForData(page);
  const summaries = page.getByText('Update rule (Keras)', { exact: true });
  const count = await summaries.count();
  expect(count).toBeGreaterThanOrEqual(12);
  for (let i = 0; i < count; i++) await summaries.nth(i).click();
  // The rightmost glyph of each formula against its card's right edge (a math box itself is capped at the card's width; its content is not).
  const overflows = await page.locator('.rule__formula').evaluateAll((formulas) =>
    formulas.flatMap((formula) => {
      const card = formula.closest('fieldset')!.getBoundingClientRect();
      return [...formula.querySelectorAll('math *')].map((glyph) => Math.ceil(glyph.getBoundingClientRect().right - card.right)).filter((by) => by > 0);
    }),
  );
  expect(overflows).toEqual([]);
});
