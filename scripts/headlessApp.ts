/**
 * Drives the production build in headless Chromium the way a person would, for the
 * scripts that measure or reproduce (bench, reproduce). Shared so both see the same app.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type Page } from '@playwright/test';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
export const OPTIMIZER_LABELS = ['SGD', 'Adam', 'Adagrad', 'Adadelta', 'RMSprop'];

export interface HeadlessApp {
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the production app; `extraEnv` reaches vite.config.ts (the bench adds its baseline page). */
export function buildApp(extraEnv: Record<string, string> = {}) {
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (build.status !== 0) throw new Error('npm run build failed');
}

async function waitForServer(url: string, server: ChildProcess) {
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) throw new Error('vite preview exited early');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not start`);
}

/** Serves dist/ with vite preview and starts Chromium. */
export async function startHeadlessApp(port: number): Promise<HeadlessApp> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    await waitForServer(`${baseUrl}/`, server);
  } catch (error) {
    await browser.close();
    if (server.pid) process.kill(-server.pid);
    throw error;
  }
  return {
    baseUrl,
    browser,
    close: async () => {
      await browser.close();
      if (server.pid) process.kill(-server.pid);
    },
  };
}

/** Opens the app (optionally with a link's query) and waits until MNIST is loaded and verified. */
export async function openApp(page: Page, url: string) {
  await page.goto(url);
  await page.getByText(/MNIST ready/).waitFor({ timeout: 120_000 });
}

export async function selectOptimizers(page: Page, labels: string[]) {
  for (const label of OPTIMIZER_LABELS) await page.getByRole('checkbox', { name: label, exact: true }).setChecked(labels.includes(label));
}

/**
 * Presses Train; resolves with seconds from the click to the first progress line and
 * to "Training finished.", timed inside the page by a MutationObserver (exact, and
 * without the per-frame polling that would itself load the main thread being measured).
 */
export async function trainToEnd(page: Page, timeoutMs = 3_600_000): Promise<{ firstProgressSeconds: number; wallSeconds: number }> {
  await page.evaluate(() => {
    const marks: { pressed?: number; firstProgress?: number; finished?: number } = {};
    (window as unknown as { __trainMarks: typeof marks }).__trainMarks = marks;
    const observer = new MutationObserver(() => {
      // A previous run's "Training finished." counts for nothing.
      if (marks.pressed === undefined) return;
      const text = document.body.textContent ?? '';
      // The progress line ("Epoch 1 of 5 · batch 12 of 469 · …") exists only once training reports.
      if (marks.firstProgress === undefined && /Epoch \d+ of \d+ · batch/.test(text)) marks.firstProgress = performance.now();
      if (text.includes('Training finished.')) {
        marks.finished = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    const train = [...document.querySelectorAll('button')].find((button) => button.textContent === 'Train');
    train?.addEventListener('click', () => (marks.pressed = performance.now()), { once: true, capture: true });
  });
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForFunction(() => (window as unknown as { __trainMarks: { finished?: number } }).__trainMarks.finished !== undefined, undefined, {
    timeout: timeoutMs,
    polling: 500,
  });
  const marks = await page.evaluate(() => (window as unknown as { __trainMarks: { pressed: number; firstProgress: number; finished: number } }).__trainMarks);
  return { firstProgressSeconds: (marks.firstProgress - marks.pressed) / 1000, wallSeconds: (marks.finished - marks.pressed) / 1000 };
}

/** Clicks a download button and returns the file's name and bytes. */
export async function download(page: Page, button: string): Promise<{ fileName: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { fileName: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

export interface LongTasks {
  count: number;
  /** Longest main-thread task (ms), 0 when none exceeded 50 ms. */
  longestMs: number;
  totalMs: number;
}

/**
 * Records the page's long tasks (> 50 ms, the Long Tasks API's threshold) from the
 * first script on; call before navigating. Read them with `longTasksSince`.
 */
export async function observeLongTasks(page: Page) {
  await page.addInitScript(() => {
    const store: { start: number; duration: number }[] = [];
    (window as unknown as { __longTasks: typeof store }).__longTasks = store;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) store.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export const pageClock = (page: Page) => page.evaluate(() => performance.now());

export async function longTasksSince(page: Page, since: number): Promise<LongTasks> {
  const durations = await page.evaluate(
    (t) => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter((e) => e.start >= t).map((e) => e.duration),
    since,
  );
  return { count: durations.length, longestMs: Math.max(0, ...durations), totalMs: durations.reduce((a, b) => a + b, 0) };
}
