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
