import { chromium } from '@playwright/test';
const port = process.env.PORT ?? '4181';
const url = process.argv[2] ?? `/?v=2&opt=sgd,adam,adadelta&epochs=2&examples=6000`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const [name, w, h] of [['desktop', 1440, 1000], ['phone', 390, 844], ['projector', 1280, 720]]) {
  if (process.env.ONLY && !process.env.ONLY.includes(name)) continue;
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  page.on('console', (m) => m.type() === 'error' && console.log('console error:', m.text()));
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto(`http://127.0.0.1:${port}${url}`);
  await page.getByText(/MNIST ready/).waitFor({ timeout: 60000 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByText('Training finished.').waitFor({ timeout: 120000 }).catch(() => {});
  await page.waitForTimeout(1000);
  const plot = page.locator('.uplot-host').first();
  await plot.scrollIntoViewIfNeeded();
  const box = await plot.boundingBox();
  if (box) await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  await page.waitForTimeout(300);
  console.log(name, 'scrollWidth', await page.evaluate(() => document.documentElement.scrollWidth));
  await page.screenshot({ path: `/tmp/lead/${name}.png`, fullPage: name === 'phone' });
  await page.close();
}
await browser.close();
