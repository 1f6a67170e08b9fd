import { expect, test, waitForData } from './fixtures';

test.describe('Content-Security-Policy', () => {
  test.use({ expectedConsoleErrors: /inline script violates the following Content Security Policy directive/ });

  test('the built app runs under a policy without unsafe-eval or inline scripts, and the policy bites', async ({ page }) => {
    await page.goto('/');
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy).not.toContain("'unsafe-eval'");
    expect(policy).not.toContain("'unsafe-inline'");

    // The app works under it (the other end-to-end tests exercise the rest, failing on any violation).
    await waitForData(page);
    await expect(page.getByRole('status', { name: 'Backend' })).toContainText('Backend:');

    // Playwright's own evaluate bypasses the policy, but a script element the page inserts does not.
    const injected = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.head.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (window as unknown as { __injected?: boolean }).__injected ?? false;
    });
    expect(injected).toBe(false);
  });
});
