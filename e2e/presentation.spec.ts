import type { Page } from '@playwright/test';
import { drawnLines, expect, test, trainToEnd, waitForData } from './fixtures';

/**
 * Presentation mode (issue 14): a toggle and the P key enter it, Esc and P leave it,
 * Space trains and stops; none of the keys fires while typing or where Space presses
 * a button. At 1280×720 and 1920×1080 the text is at least 24 px, nothing scrolls
 * sideways and both charts are on the first screen; the screenshots are for people.
 */

const app = (page: Page) => page.locator('.app');
const toggle = (page: Page) => page.getByRole('button', { name: 'Presentation mode' });
const runPhase = (page: Page) => page.getByRole('status').filter({ hasText: /^Training…$|^Training finished\.$|^Training stopped\.$/ });

async function expectPresenting(page: Page, on: boolean) {
  if (on) await expect(app(page)).toHaveClass(/\bapp--present\b/);
  else await expect(app(page)).not.toHaveClass(/\bapp--present\b/);
  await expect(toggle(page)).toHaveAttribute('aria-pressed', String(on));
  if (on) await expect(page).toHaveURL(/[?&]present=1(&|$)/);
  else await expect(page).not.toHaveURL(/present=/);
}

/** Focus on nothing in particular, as after a click on the page's background. */
const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

test('the button and P enter the mode, Esc and P leave it; the link carries it and reopens it', async ({ page }) => {
  await page.goto('/?v=2&epochs=2');
  await waitForData(page);
  await expect(toggle(page)).toHaveAttribute('aria-keyshortcuts', 'P');
  await expectPresenting(page, false);
  await expect(page.locator('.present-hint')).toHaveCount(0);

  await toggle(page).click();
  await expectPresenting(page, true);
  // The keys are said where the lecturer looks.
  await expect(page.locator('.present-hint')).toHaveText(/^Space\s*trains or stops · P\s*or\s*Esc\s*leaves$/);
  await expect(page.locator('.present-hint')).toBeVisible();
  await blur(page);
  await page.keyboard.press('Escape');
  await expectPresenting(page, false);

  await page.keyboard.press('p');
  await expectPresenting(page, true);
  // Settings fold into one line; the experiment stays in the link.
  await expect(page.getByText('5 contestants: SGD, Adam, Adagrad, Adadelta, RMSprop · 784 → 128 ReLU → 10 softmax · 2 epochs · batch 128 · 60,000 examples')).toBeVisible();
  await expect(page.getByLabel('Epochs')).toBeHidden();
  await expect(page).toHaveURL(/epochs=2/);
  await page.keyboard.press('p');
  await expectPresenting(page, false);
  await expect(page.getByLabel('Epochs')).toBeVisible();

  // With a modifier held the key is not the mode's (Ctrl+P prints).
  await page.keyboard.press('Alt+p');
  await page.keyboard.press('Shift+P');
  await expectPresenting(page, false);
  await page.keyboard.press('p');
  await expectPresenting(page, true);
  const link = page.url();
  await page.goto('/?v=2');
  await expectPresenting(page, false);
  await page.goto(link);
  await waitForData(page);
  await expectPresenting(page, true);
  await expect(page.getByLabel('Epochs')).toBeHidden();
});

test('Space trains and Space stops; no shortcut fires while typing, and Space on a button presses only that button', async ({ page }) => {
  // 30 full epochs: long enough that Space can stop the run before it ends on a fast machine.
  await page.goto('/?v=2&epochs=30&present=1');
  await waitForData(page);
  await expectPresenting(page, true);

  // Typing in a field: "p" and " " are text there (the field is shown with "Show settings").
  await page.getByRole('button', { name: 'Show settings' }).click();
  const epochs = page.getByLabel('Epochs');
  await expect(epochs).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('presentation-settings-shown.png') });
  await epochs.click();
  await page.keyboard.press('End');
  await page.keyboard.type('p ');
  await expect(epochs).toHaveValue('30p ');
  await expectPresenting(page, true);
  await expect(runPhase(page)).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expectPresenting(page, true);
  await epochs.fill('30');
  // Space on a focused button presses that button: here it hides the settings, and trains nothing.
  const hide = page.getByRole('button', { name: 'Hide settings' });
  await hide.focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Show settings' })).toHaveAttribute('aria-expanded', 'false');
  await expect(epochs).toBeHidden();
  await expect(runPhase(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled();
  // ... and on the mode's own button it leaves the mode, once.
  await toggle(page).focus();
  await page.keyboard.press('Space');
  await expectPresenting(page, false);
  await expect(runPhase(page)).toHaveCount(0);
  // Outside the mode Space is the page's (it scrolls): it does not train.
  await blur(page);
  await page.keyboard.press('Space');
  await expect(runPhase(page)).toHaveCount(0);

  // Out of the fields, in the mode: Space trains, and Space stops.
  await page.keyboard.press('p');
  await expectPresenting(page, true);
  await page.keyboard.press('Space');
  await expect(runPhase(page)).toHaveText('Training…');
  await expect(page.getByText(/Epoch \d+ of 30 · batch \d+ of 469/)).toBeVisible({ timeout: 60_000 });
  await page.keyboard.press('Space');
  await expect(runPhase(page)).toHaveText('Training stopped.', { timeout: 60_000 });
  await expectPresenting(page, true);
  // Esc on a focused chart hides its cursor there; it does not also leave the mode.
  await page.getByRole('group', { name: /^Loss chart/ }).focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Escape');
  await expectPresenting(page, true);
  await blur(page);
  // Space trains again after a stop (Train is enabled again).
  await page.keyboard.press('Space');
  await expect(runPhase(page)).toHaveText('Training…');
  await page.keyboard.press('Space');
  await expect(runPhase(page)).toHaveText('Training stopped.', { timeout: 60_000 });
});

test('single-key shortcuts can be turned off (speech input types letters), and stay off after a reload; Esc still leaves', async ({ page }) => {
  await page.goto('/?v=2&epochs=2');
  await waitForData(page);
  const switchBox = page.getByRole('checkbox', { name: 'Single-key shortcuts (P, Space)' });
  await expect(switchBox).toBeChecked();
  await expect(switchBox).toHaveAccessibleDescription(/P toggles presentation mode; in it, Space trains or stops and Esc leaves/);
  await switchBox.uncheck();
  await page.reload();
  await waitForData(page);
  await expect(switchBox).not.toBeChecked();
  await expect(toggle(page)).not.toHaveAttribute('aria-keyshortcuts', /./);
  await blur(page);
  await page.keyboard.press('p');
  await expectPresenting(page, false);
  await toggle(page).click();
  await expectPresenting(page, true);
  await expect(page.locator('.present-hint')).toHaveText('Esc leaves');
  await blur(page);
  await page.keyboard.press('Space');
  await expect(runPhase(page)).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expectPresenting(page, false);
  await switchBox.check();
  await blur(page);
  await page.keyboard.press('p');
  await expectPresenting(page, true);
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
]) {
  test.describe(`at ${size.width} × ${size.height}`, () => {
    test.use({ viewport: size });

    test('after a short run: 24 px text, no sideways scroll, both charts on the first screen, the table in large print', async ({ page }) => {
      await page.goto('/?v=2&epochs=3&examples=3000&present=1');
      await waitForData(page);
      await trainToEnd(page, 150_000);
      await expect.poll(async () => (await drawnLines(page, 'Accuracy', 'test')).every((points) => points === 3)).toBe(true);
      await blur(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: test.info().outputPath(`presentation-${size.width}x${size.height}.png`) });

      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scroll').toBeLessThanOrEqual(size.width);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      for (const name of ['Loss', 'Accuracy']) {
        const box = (await page.getByRole('figure', { name }).boundingBox())!;
        expect(box.x, `${name} left`).toBeGreaterThanOrEqual(0);
        expect(box.y, `${name} top`).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, `${name} right`).toBeLessThanOrEqual(size.width);
        expect(box.y + box.height, `${name} bottom`).toBeLessThanOrEqual(size.height);
        // Most of the screen: side by side, each at least 40 % of the width and 55 % of the height.
        expect(box.width, `${name} width`).toBeGreaterThanOrEqual(size.width * 0.4);
        expect(box.height, `${name} height`).toBeGreaterThanOrEqual(size.height * 0.55);
      }
      await expect(page.getByRole('button', { name: 'Train' })).toBeInViewport();
      await expect(page.getByRole('button', { name: 'Stop' })).toBeInViewport();
      // Pause and Step stay at hand for a question to the class; Speed and the page tabs fold away with the settings.
      await expect(page.getByRole('button', { name: 'Pause' })).toBeInViewport();
      await expect(page.getByRole('button', { name: 'Step' })).toBeInViewport();
      await expect(page.getByRole('combobox', { name: 'Speed' })).toBeHidden();
      await expect(runPhase(page)).toBeInViewport();

      // Every piece of text in the header, the summary, the run, the legend, the charts and the results: 24 px or more, dark on light.
      const texts = await page.evaluate(() => {
        const found: { text: string; size: number; color: string }[] = [];
        const areas = document.querySelectorAll('.app__header, .settings-summary, .run-panel, .legend, .chart figcaption, .chart-readout, .results');
        for (const area of areas) {
          const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement!;
            const text = node.textContent!.trim();
            if (!text || !element.checkVisibility() || element.closest('.visually-hidden')) continue;
            const style = getComputedStyle(element);
            found.push({ text: text.slice(0, 30), size: parseFloat(style.fontSize), color: style.color });
          }
        }
        return found;
      });
      expect(texts.length).toBeGreaterThan(30);
      const small = texts.filter((t) => t.size < 24);
      expect(small, `text under 24 px: ${JSON.stringify(small)}`).toEqual([]);
      // High contrast: black text (white only on the black and blue buttons and the badge).
      const faint = texts.filter((t) => !['rgb(0, 0, 0)', 'rgb(255, 255, 255)'].includes(t.color));
      expect(faint, `text not black: ${JSON.stringify(faint)}`).toEqual([]);
      // The results below, in large print and without a sideways scroll of their own.
      const table = page.getByRole('region', { name: 'Metrics per contestant' });
      await table.scrollIntoViewIfNeeded();
      await page.screenshot({ path: test.info().outputPath(`presentation-${size.width}x${size.height}-results.png`) });
      expect(await table.evaluate((element) => element.scrollWidth - element.clientWidth), 'the table fits its panel').toBeLessThanOrEqual(0);
      const cell = table.getByRole('cell').first();
      expect(await cell.evaluate((element) => parseFloat(getComputedStyle(element).fontSize))).toBeGreaterThanOrEqual(24);
    });
  });
}
