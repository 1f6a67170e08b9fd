import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { deployNewVersion, drawnLines, expect, test, trainToEnd, waitForData, waitForOfflineReady } from './fixtures';

/**
 * Accessibility (issue 11): axe-core's WCAG 2.1 A and AA rules on every screen the app
 * has, no rule disabled and no region excluded; the page never scrolls sideways on a
 * 390 px phone; and the whole flow works with the keyboard alone, focus always visible.
 */

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the whole page and fails with one readable line per offending element. */
async function expectNoAxeViolations(page: Page, state: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const report = violations.flatMap((violation) => [
    `${violation.id} (${violation.impact ?? 'unknown'}, ${violation.nodes.length}×): ${violation.help}`,
    ...violation.nodes.map((node) => `    ${node.target.join(' ')}: ${(node.failureSummary ?? '').replace(/\s*\n\s*/g, ' ')}`),
  ]);
  expect(violations.length, `axe WCAG 2.1 A/AA violations ${state}:\n${report.join('\n')}\n`).toBe(0);
}

const QUICK_RUN = '/?v=2&opt=sgd,adam,adam2&epochs=1&examples=2000&adam2.lr=0.01';
const PHONE = { width: 390, height: 844 };
/** What a student of an instructor's lesson link sees. */
const STUDENT_VIEW = '/?v=2&lesson=momentum&conceal=network,lab,instructor,contestants&lock=training,sgd,pacing';

async function openIdle(page: Page, link = '/?v=2') {
  await page.goto(link);
  await waitForData(page);
}

async function openAfterRun(page: Page, link = QUICK_RUN) {
  await openIdle(page, link);
  await trainToEnd(page, 120_000);
}

/** A run pinned as the baseline, then a second run (another learning rate) drawn over its ghost. */
async function openWithBaseline(page: Page, accuracyAsTable: boolean) {
  await openAfterRun(page);
  await page.getByRole('button', { name: 'Pin as baseline' }).click();
  await page.getByRole('group', { name: /^Adam settings/ }).getByLabel('Learning rate').fill('0.003');
  await trainToEnd(page, 120_000);
  await expect(page.getByRole('status', { name: 'Baseline' })).toBeVisible();
  if (accuracyAsTable) await page.getByRole('figure', { name: 'Accuracy' }).getByRole('button', { name: 'Show as table' }).click();
}

/** After a quick run: Inside the optimizers opened, its charts and latest samples drawn, the output layer chosen. */
async function showInside(page: Page) {
  await openAfterRun(page);
  const inside = page.getByRole('region', { name: 'Inside the optimizers' });
  await inside.getByRole('button', { name: 'Inside the optimizers' }).click();
  await inside.getByRole('combobox', { name: 'Layer' }).selectOption({ label: 'Output (128 → 10)' });
  await expect(inside.getByRole('table', { name: 'Latest sample, Output (128 → 10)' })).toBeVisible();
}

/** After a quick run: the landscape's line chart and slice drawn. */
async function showLandscape(page: Page) {
  await openAfterRun(page);
  const landscape = page.getByRole('region', { name: 'Landscape' });
  await landscape.getByRole('button', { name: 'Show the landscape' }).click();
  await expect(landscape.getByTestId('landscape-point')).toHaveCount(3, { timeout: 120_000 });
}

const runPhase = (page: Page) => page.getByRole('status').filter({ hasText: /^Training…$|^Training finished\.$|^Training stopped\.$/ });

interface AxeState {
  /** Read as "no violations <name>". */
  name: string;
  viewport?: { width: number; height: number };
  /** The console errors this state provokes on purpose (e.g. a 404). */
  expectedConsoleErrors?: RegExp;
  /** 'allow' for the states of the app's service worker (blocked elsewhere, playwright.config.ts). */
  serviceWorkers?: 'allow';
  /** Brings the page into the state. */
  open(page: Page): Promise<void>;
  /** Runs after axe: checks that the state lasted through the scan, cleans up. */
  after?(page: Page): Promise<void>;
}

/** One shard held back until the scan is done, so the page is surely still loading. */
function whileMnistLoads(): AxeState {
  let release = () => {};
  return {
    name: 'while MNIST loads',
    open: async (page) => {
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/data/mnist/train-images-5.bin', async (route) => {
        await held;
        await route.continue();
      });
      await page.goto('/?v=2');
      await expect(page.getByRole('progressbar', { name: 'Loading MNIST' })).toBeVisible();
    },
    after: async (page) => {
      await expect(page.getByRole('progressbar', { name: 'Loading MNIST' }), 'the scan ran while loading').toBeVisible();
      release();
      await waitForData(page);
    },
  };
}

// One line per screen: add a state here and it is checked.
const STATES: AxeState[] = [
  whileMnistLoads(),
  { name: 'idle, data loaded', open: (page) => openIdle(page) },
  {
    name: 'during a run (full-size epochs, progress bar moving)',
    open: async (page) => {
      // 30 epochs: with the WebAssembly kernel two full epochs ended before the scan did.
      await openIdle(page, '/?v=2&epochs=30');
      await page.getByRole('button', { name: 'Train' }).click();
      // Live curves drawn and the bar past its start: a run as people see it.
      await expect(page.getByText(/Epoch \d+ of 30 · batch \d+ of 469 · [\d,]+ samples\/s/)).toBeVisible({ timeout: 60_000 });
      await expect.poll(async () => (await drawnLines(page, 'Loss', 'train')).filter((points) => points > 1)).toHaveLength(5);
    },
    after: async (page) => {
      await expect(runPhase(page), 'the scan ran during the run').toHaveText('Training…');
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect(runPhase(page)).toHaveText('Training stopped.', { timeout: 60_000 });
    },
  },
  { name: 'after a run', open: (page) => openAfterRun(page) },
  { name: 'after a run, training curves hidden, logarithmic loss axis', open: (page) => openAfterRun(page, `${QUICK_RUN}&train=0&logloss=1`) },
  {
    name: 'after a run, examples on X, a contestant hidden, zoomed, the cursor read out by keyboard',
    open: async (page) => {
      await openAfterRun(page, `${QUICK_RUN}&x=examples&hide=adam2&zoom=500,1500`);
      await page.getByRole('group', { name: /^Loss chart/ }).focus();
      await page.keyboard.press('End');
      await expect(page.getByRole('figure', { name: 'Loss' }).locator('.chart-readout')).toContainText('Examples seen');
    },
  },
  {
    name: 'after a run, both charts shown as tables',
    open: async (page) => {
      await openAfterRun(page);
      for (const chart of ['Loss', 'Accuracy']) await page.getByRole('figure', { name: chart }).getByRole('button', { name: 'Show as table' }).click();
      await expect(page.getByRole('table', { name: /Accuracy by epoch/ })).toBeVisible();
    },
  },
  {
    name: 'after a run, a contestant evaluated and a digit drawn',
    open: async (page) => {
      await openAfterRun(page);
      const evaluation = page.getByRole('region', { name: 'Evaluation' });
      await evaluation.getByRole('combobox', { name: 'Contestant' }).selectOption({ label: 'Adam' });
      await evaluation.getByRole('button', { name: 'Evaluate' }).click();
      await expect(evaluation.getByRole('grid', { name: 'Confusion matrix of Adam' })).toBeVisible();
      const canvas = evaluation.getByRole('img', { name: 'Draw a digit' });
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.8, { steps: 8 });
      await page.mouse.up();
      await expect(evaluation.getByRole('list', { name: 'Predictions' }).getByRole('listitem')).toHaveCount(3);
    },
  },
  {
    name: 'after a run of three seeds, min-max bands, each seed shown',
    open: async (page) => {
      await openAfterRun(page, '/?v=2&opt=sgd,adam&epochs=1&examples=2000&seeds=3&band=range');
      await page.getByRole('button', { name: 'Show each seed' }).click();
      await expect(page.getByRole('row', { name: /^Adam, seed 44\b/ })).toBeVisible();
      await expect(page.getByRole('region', { name: 'Results' })).toContainText('n = 3 seeds each');
    },
  },
  {
    name: 'on a 390 px phone, after a run of three seeds, each seed shown',
    viewport: PHONE,
    open: async (page) => {
      await openAfterRun(page, '/?v=2&opt=sgd,adam&epochs=1&examples=2000&seeds=3');
      await page.getByRole('button', { name: 'Show each seed' }).click();
      await expect(page.getByRole('row', { name: /^SGD, seed 43\b/ })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width with each seed shown').toBeLessThanOrEqual(PHONE.width);
    },
  },
  { name: 'after a run, the landscape shown', open: (page) => showLandscape(page) },
  { name: 'after a run, Inside the optimizers open', open: (page) => showInside(page) },
  {
    name: 'on a 390 px phone, after a run, Inside the optimizers open',
    viewport: PHONE,
    open: (page) => showInside(page),
    after: async (page) => expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scroll').toBeLessThanOrEqual(PHONE.width),
  },
  {
    name: 'on a 390 px phone, after a run, the landscape shown',
    viewport: PHONE,
    open: (page) => showLandscape(page),
    after: async (page) => expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scroll').toBeLessThanOrEqual(PHONE.width),
  },
  { name: 'after a run in which a contestant diverged', open: (page) => openAfterRun(page, '/?v=2&opt=sgd,adam&epochs=1&examples=2000&sgd.lr=1000') },
  {
    name: 'with a finished run restored after a reload',
    open: async (page) => {
      await openAfterRun(page);
      await page.reload();
      await expect(page.getByText('Restored from your last visit.')).toBeVisible();
    },
  },
  {
    name: 'with a results file opened',
    open: async (page) => {
      await openIdle(page);
      await page.getByLabel('Results file to open').setInputFiles({
        name: 'article.json',
        mimeType: 'application/json',
        buffer: readFileSync(new URL('../docs/results/article.json', import.meta.url)),
      });
      await expect(page.getByText('Opened from article.json: these results were not trained in this browser.')).toBeVisible();
    },
  },
  {
    name: 'with a refused results file',
    open: async (page) => {
      await openIdle(page);
      await page.getByLabel('Results file to open').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": ') });
      await expect(page.getByRole('alert')).toContainText('notes.json is not valid JSON.');
    },
  },
  {
    name: 'with a form error showing',
    open: async (page) => {
      await openIdle(page);
      await page.getByRole('group', { name: /^Adam settings/ }).getByLabel('Learning rate').fill('abc');
      await expect(page.getByText('Fix the highlighted fields to train.')).toBeVisible();
    },
  },
  {
    name: "with a field's hint showing",
    open: async (page) => {
      await openIdle(page);
      await page.getByLabel('Epochs').focus();
      await expect(page.getByText(/Allowed: /).first()).toBeVisible();
    },
  },
  {
    name: 'with link notices showing',
    open: async (page) => {
      await openIdle(page, '/?v=1&adam.lr=abc&epochs=1e999&opt=adam,sgd,evil&bogus=1');
      await expect(page.getByRole('status', { name: 'Link corrections' })).toContainText('Unknown optimizer "evil" ignored.');
    },
  },
  {
    name: 'with the Diagnostics, an update rule and an optimizer’s plain words open',
    open: async (page) => {
      await openIdle(page);
      await page.getByText('Diagnostics', { exact: true }).click();
      await page.getByRole('button', { name: 'Measure memory' }).click();
      await expect(page.getByRole('status', { name: 'Dataset sharing' })).toBeVisible();
      await page.getByRole('group', { name: /^Adam settings/ }).getByText('Update rule (Keras)').click();
      await expect(page.getByRole('group', { name: /^Adam settings/ }).locator('code')).toBeVisible();
      await page.getByRole('group', { name: /^Adam settings/ }).getByText('About Adam').click();
      await expect(page.getByRole('list', { name: 'Where Adam comes from' })).toBeVisible();
    },
  },
  {
    name: 'when the dataset cannot be loaded',
    expectedConsoleErrors: /Failed to load resource: the server responded with a status of 404/,
    open: async (page) => {
      await page.route('**/data/mnist/train-images-3.bin', (route) => route.fulfill({ status: 404, body: 'not found' }));
      await page.goto('/?v=2');
      await expect(page.getByRole('alert')).toContainText('The dataset could not be loaded.');
    },
  },
  {
    name: 'in the Loss surface lab, stepped, a field in error, the start point focused',
    open: async (page) => {
      // The lab needs no dataset (it loads on in the background, shown in the Training view).
      await page.goto('/?v=2&opt=adam,sgd&sgd.momentum=0.9&view=lab&surf=quadratic');
      for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step' }).click();
      await expect(page.getByText('Iteration 5 of 300')).toBeVisible();
      await page.getByLabel('Gradient noise').fill('abc');
      await expect(page.getByText('Gradient noise: "abc" is not a number.')).toBeVisible();
      await page.getByRole('button', { name: /^Start point/ }).focus();
    },
  },
  {
    name: 'in the Loss surface lab on a 390 px phone',
    viewport: PHONE,
    open: async (page) => {
      await page.goto('/?v=2&view=lab&surf=himmelblau');
      await expect(page.getByRole('table', { name: 'Loss after 0 steps' })).toBeVisible();
    },
  },
  (() => {
    let undeploy = () => {};
    return {
      name: 'ready to work offline, a new version offered, on a 390 px phone',
      viewport: PHONE,
      serviceWorkers: 'allow',
      open: async (page) => {
        await page.goto('/?v=2');
        await waitForOfflineReady(page);
        await page.reload(); // controlled now, so the new version waits to be offered
        await waitForData(page);
        undeploy = await deployNewVersion(page);
        await expect(page.getByRole('status', { name: 'New version' }).getByRole('button', { name: 'Reload to update' })).toBeVisible();
      },
      after: async (page) => {
        undeploy();
        expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width').toBeLessThanOrEqual(PHONE.width);
      },
    } satisfies AxeState;
  })(),
  { name: 'with a baseline pinned and a second run over it, the Accuracy chart as a table', open: (page) => openWithBaseline(page, true) },
  {
    name: 'on a 390 px phone, with a baseline pinned and a second run over it',
    viewport: PHONE,
    open: (page) => openWithBaseline(page, false),
    after: async (page) => expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width').toBeLessThanOrEqual(PHONE.width),
  },
  {
    name: 'with the Instructor panel open',
    open: async (page) => {
      await openIdle(page);
      await page.getByRole('button', { name: 'Instructor' }).click();
      await page.getByRole('dialog', { name: 'Instructor link' }).getByRole('combobox', { name: 'Training settings' }).selectOption({ label: 'Locked' });
    },
  },
  {
    name: 'with the Lessons menu open',
    open: async (page) => {
      await openIdle(page);
      await page.getByRole('button', { name: 'Lessons' }).click();
      await expect(page.getByRole('link', { name: 'Momentum helps SGD' })).toBeVisible();
    },
  },
  { name: 'in a student view: a lesson, controls hidden and locked', open: (page) => openIdle(page, STUDENT_VIEW) },
  { name: 'on a 390 px phone, a student view', viewport: PHONE, open: (page) => openIdle(page, STUDENT_VIEW) },
  {
    name: 'with the start overlay of a lesson link',
    open: async (page) => {
      await openIdle(page, '/?v=2&lesson=adadelta-published&start=1');
      await expect(page.getByRole('dialog', { name: 'Adadelta as published (lr 1.0)' })).toBeVisible();
    },
  },
  {
    name: 'after a lesson run, its answer shown',
    open: async (page) => {
      await openIdle(page, '/?v=2&lesson=momentum&epochs=1&examples=2000');
      await page.getByRole('radio', { name: 'Without momentum' }).check();
      await trainToEnd(page, 120_000);
      await page.getByRole('button', { name: 'Show answer' }).click();
      await expect(page.getByRole('region', { name: 'Answer' })).toBeVisible();
    },
  },
  { name: 'on a 390 px phone, idle', viewport: PHONE, open: (page) => openIdle(page) },
  { name: 'on a 390 px phone, after a run', viewport: PHONE, open: (page) => openAfterRun(page) },
  { name: 'on a 1280 x 720 projector, after a run', viewport: { width: 1280, height: 720 }, open: (page) => openAfterRun(page) },
  {
    name: 'in presentation mode at 1280 x 720, after a run',
    viewport: { width: 1280, height: 720 },
    open: async (page) => {
      await openAfterRun(page, `${QUICK_RUN}&present=1`);
      await expect(page.getByRole('button', { name: 'Presentation mode' })).toHaveAttribute('aria-pressed', 'true');
    },
  },
  {
    name: 'in presentation mode at 1920 x 1080, after a run, the settings shown',
    viewport: { width: 1920, height: 1080 },
    open: async (page) => {
      await openAfterRun(page, `${QUICK_RUN}&present=1`);
      await page.getByRole('button', { name: 'Show settings' }).click();
      await expect(page.getByLabel('Epochs')).toBeVisible();
    },
  },
];

test.describe('axe-core, WCAG 2.1 A and AA', () => {
  for (const state of STATES) {
    test.describe(state.name, () => {
      if (state.expectedConsoleErrors) test.use({ expectedConsoleErrors: state.expectedConsoleErrors });
      if (state.viewport) test.use({ viewport: state.viewport });
      if (state.serviceWorkers) test.use({ serviceWorkers: state.serviceWorkers });
      test(`no violations ${state.name}`, async ({ page }) => {
        await state.open(page);
        await expectNoAxeViolations(page, state.name);
        await state.after?.(page);
      });
    });
  }
});

test.describe('a 390 px phone', () => {
  test.use({ viewport: PHONE });

  test('the page never scrolls sideways, idle or after a run; the table scrolls in its own region', async ({ page }, testInfo) => {
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    await openIdle(page, QUICK_RUN);
    await page.screenshot({ path: testInfo.outputPath('phone-idle.png'), fullPage: true });
    expect(await pageWidth(), 'page width, idle').toBeLessThanOrEqual(PHONE.width);

    await trainToEnd(page, 120_000);
    await page.screenshot({ path: testInfo.outputPath('phone-after-run.png'), fullPage: true });
    expect(await pageWidth(), 'page width after a run').toBeLessThanOrEqual(PHONE.width);
    // Where the Clipboard API is missing, the link is shown to copy by hand: that box fits too.
    await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByLabel('Copy this link:')).toBeVisible();
    expect(await pageWidth(), 'page width with the link to copy by hand').toBeLessThanOrEqual(PHONE.width);
    await expectNoAxeViolations(page, 'on a phone with the link to copy by hand');
    // The results table is wider than a phone: it scrolls inside a region a keyboard can reach.
    const tableRegion = page.getByRole('region', { name: 'Metrics per contestant' });
    await expect(tableRegion).toHaveAttribute('tabindex', '0');
    expect(await tableRegion.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
    await tableRegion.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tableRegion.evaluate((element) => element.scrollLeft), 'the arrow keys scroll the table').toBeGreaterThan(0);
  });
});

test('a wide screen lays the settings beside the charts', async ({ page }, testInfo) => {
  await openAfterRun(page);
  await page.screenshot({ path: testInfo.outputPath('desktop-after-run.png'), fullPage: true });
  const settings = await page.getByRole('complementary', { name: 'Experiment settings' }).boundingBox();
  const charts = await page.getByRole('figure', { name: 'Loss' }).boundingBox();
  expect(settings && charts && settings.x + settings.width <= charts.x).toBe(true);
});

test('every chart has a text alternative, a table and a legend in words', async ({ page }) => {
  await openAfterRun(page);
  for (const chart of ['Loss', 'Accuracy']) {
    const figure = page.getByRole('figure', { name: chart });
    // The canvas is hidden from assistive technology; the focusable plot is described by a summary of its data.
    const plot = figure.getByRole('group', { name: new RegExp(`^${chart} chart`) });
    await expect(plot).toHaveAccessibleDescription(new RegExp(`^${chart} chart, test ${chart.toLowerCase()} by epochs\\. SGD: .+ at 1; Adam: .+ at 1; Adam 2: .+ at 1\\.`));
    await figure.getByRole('button', { name: 'Show as table' }).click();
    await expect(figure.getByRole('table', { name: `${chart} by epoch` }).getByRole('rowheader')).toHaveText(['1']);
  }
  // Colour is never the only key: each contestant is named beside its swatch.
  await expect(page.getByRole('list', { name: 'Chart legend' }).getByRole('listitem')).toHaveText(['SGD', 'Adam', 'Adam 2']);
});

// ---------------------------------------------------------------- keyboard alone

/** What has focus, as a person would name it, and whether its focus ring shows with 3:1 contrast. */
async function focusState(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return { description: 'body', visible: true, outline: '' };
    const luminance = (color: string) => {
      const [r, g, b] = (color.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((c) => {
        const v = Number(c) / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a: string, b: string) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    // The colour the ring is drawn on: the nearest opaque background around the element.
    let behind = 'rgb(255, 255, 255)';
    for (let node = element.parentElement; node; node = node.parentElement) {
      const background = getComputedStyle(node).backgroundColor;
      if (background !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(background)) {
        behind = background;
        break;
      }
    }
    const style = getComputedStyle(element);
    const width = parseFloat(style.outlineWidth);
    const ratio = contrast(style.outlineColor, behind);
    const label = element instanceof HTMLInputElement || element instanceof HTMLSelectElement ? element.labels?.[0]?.innerText : undefined;
    const name = element.getAttribute('aria-label') ?? label ?? (element as HTMLElement).innerText?.slice(0, 40) ?? '';
    // The element's place in the document makes the description unique.
    const place = [...document.querySelectorAll('*')].indexOf(element);
    return {
      description: `${element.tagName.toLowerCase()}@${place} "${name.trim()}"`,
      visible: element.matches(':focus-visible') && style.outlineStyle !== 'none' && width >= 2 && ratio >= 3,
      outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} on ${behind} (${ratio.toFixed(2)}:1)`,
    };
  });
}

/** Presses Tab (or Shift+Tab) until `target` has focus, checking the focus ring at every stop. */
async function tabTo(page: Page, target: Locator, { backwards = false, maxPresses = 250 } = {}) {
  for (let i = 0; i < maxPresses; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const focus = await focusState(page);
    expect(focus.visible, `focus visible on ${focus.description}: ${focus.outline}`).toBe(true);
  }
  throw new Error(`${maxPresses} presses of ${backwards ? 'Shift+Tab' : 'Tab'} did not reach ${target}`);
}

test('the whole flow works with the keyboard alone, focus always visible, no trap', async ({ page }) => {
  await openIdle(page, '/?v=2&epochs=1&examples=2000');
  const settings = page.getByRole('complementary', { name: 'Experiment settings' });
  const results = page.getByRole('region', { name: 'Results' });

  // No trap: Tab visits every control once and comes back round, Shift+Tab the same way back.
  const forward: string[] = [];
  await page.keyboard.press('Tab');
  const first = (await focusState(page)).description;
  for (let i = 0; i < 200; i++) {
    const focus = await focusState(page);
    expect(focus.visible, `focus visible on ${focus.description}: ${focus.outline}`).toBe(true);
    forward.push(focus.description);
    await page.keyboard.press('Tab');
    const next = (await focusState(page)).description;
    if (next === first) break;
    if (next === 'body') {
      // Past the last control the browser's own UI would take focus; the next Tab starts over.
      await page.keyboard.press('Tab');
      expect((await focusState(page)).description).toBe(first);
      break;
    }
  }
  expect(forward.length, 'Tab went round the page').toBeLessThan(200);
  expect(new Set(forward).size, `each control once: ${forward.join(', ')}`).toBe(forward.length);
  const backward: string[] = [];
  for (let i = 0; i < forward.length; i++) {
    await page.keyboard.press('Shift+Tab');
    const focus = await focusState(page);
    if (focus.description === 'body') {
      await page.keyboard.press('Shift+Tab');
      continue;
    }
    backward.push((await focusState(page)).description);
    if (backward.length === forward.length) break;
  }
  expect(backward.reverse(), 'Shift+Tab visits the same controls in reverse').toEqual(forward);

  // Choose: untick Adagrad and Adadelta with Space, the way a person finds them, by name.
  await page.locator('body').focus();
  const adagrad = settings.getByRole('checkbox', { name: 'Adagrad', exact: true });
  const adadelta = settings.getByRole('checkbox', { name: 'Adadelta', exact: true });
  await tabTo(page, adagrad);
  await expect(adagrad).toBeFocused();
  await page.keyboard.press('Space');
  await expect(adagrad).not.toBeChecked();
  await tabTo(page, adadelta);
  await page.keyboard.press('Space');
  await expect(adadelta).not.toBeChecked();
  // ... and back up (Shift+Tab) to tick Adagrad again.
  await tabTo(page, adagrad, { backwards: true });
  await page.keyboard.press('Space');
  await expect(adagrad).toBeChecked();

  // Change a field: SGD's learning rate, typed.
  const sgdRate = settings.getByRole('group', { name: /^SGD settings/ }).getByLabel('Learning rate');
  await tabTo(page, sgdRate, { backwards: true });
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('0.1');
  await expect(sgdRate).toHaveValue('0.1');
  await expect(page).toHaveURL(/sgd\.lr=0\.1/);

  // Train: Enter on the button, then wait for the end (the controls stay reachable meanwhile).
  const train = page.getByRole('button', { name: 'Train' });
  await tabTo(page, train);
  await expect(train).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(runPhase(page)).toHaveText('Training finished.', { timeout: 120_000 });

  // Read the results: the table's region takes focus (it scrolls sideways on narrow screens).
  const tableRegion = results.getByRole('region', { name: 'Metrics per contestant' });
  await tabTo(page, tableRegion);
  await expect(tableRegion).toBeFocused();
  const table = tableRegion.getByRole('table');
  await expect(table.getByRole('rowheader')).toHaveText([/^SGD/, /^Adam/, /^Adagrad/, /^RMSprop/]);
  for (const row of await table.getByRole('row').filter({ has: page.getByRole('rowheader') }).all()) {
    await expect(row.getByRole('cell').first()).toHaveText('done');
    await expect(row.getByRole('cell').nth(4)).toHaveText(/^\d+\.\d+ %$/);
  }
  // The export buttons follow, by keyboard too.
  await tabTo(page, results.getByRole('button', { name: 'Download CSV' }), { backwards: true });

  // Read the charts: the plot takes focus, arrow keys move the cursor and the readout speaks.
  const lossPlot = page.getByRole('group', { name: /^Loss chart/ });
  await tabTo(page, lossPlot, { backwards: true });
  await page.keyboard.press('End');
  await expect(page.getByRole('figure', { name: 'Loss' }).locator('.chart-readout')).toContainText(/Epochs 1[\s\S]*SGD test: \d\.\d{4}/);

  // Evaluate: choose a contestant, Evaluate, and walk the confusion matrix.
  const evaluation = page.getByRole('region', { name: 'Evaluation' });
  const contestant = evaluation.getByRole('combobox', { name: 'Contestant' });
  await tabTo(page, contestant);
  await page.keyboard.press('ArrowDown');
  await expect(contestant).toHaveValue('adam');
  await tabTo(page, evaluation.getByRole('button', { name: 'Evaluate' }));
  await page.keyboard.press('Enter');
  const grid = evaluation.getByRole('grid', { name: 'Confusion matrix of Adam' });
  await tabTo(page, grid.getByRole('gridcell', { name: /^True 0, predicted 0:/ }));
  await page.keyboard.press('ArrowDown');
  await expect(grid.getByRole('gridcell', { name: /^True 1, predicted 0: \d+ examples?$/ })).toBeFocused();
});
