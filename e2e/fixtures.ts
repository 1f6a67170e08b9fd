import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every page fails its test on a console error or an uncaught exception, except
 * the ones a test declares it provokes (e.g. the browser's own 404 line).
 */
export const test = base.extend<{ expectedConsoleErrors: RegExp | null; consoleErrors: string[] }>({
  // One pattern (use alternation for several): Playwright reads an array option as [value, options].
  expectedConsoleErrors: [null, { option: true }],
  consoleErrors: [
    async ({ page, expectedConsoleErrors }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !expectedConsoleErrors?.test(message.text())) errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function waitForData(page: Page) {
  await expect(page.getByText(/MNIST ready: 60,000 training and 10,000 test images/)).toBeVisible({ timeout: 60_000 });
}

/** Ticks exactly the named optimizers (shared with the bench and reproduce scripts). */
export { selectOptimizers as selectOnly, download, trainToEnd } from '../scripts/headlessApp';
