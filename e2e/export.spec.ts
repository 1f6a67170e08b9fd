import { download, expect, test } from './fixtures';

const SCRIPT_NAME = /^optimizer-playground-\d{4}-\d\d-\d\d-\d{4}-(keras|pytorch)\.py$/;

test('Export as Keras script and Export as PyTorch script download the form\'s experiment, its link and every contestant', async ({ page }) => {
  await page.goto('/?v=2&opt=sgd,adam,adam2,lion&epochs=3&seed=7&sgd.momentum=0.9&sgd.clipnorm=1&adam2.lr=0.01&adam2.sched=cosine&act=tanh');
  // An edit after the page loaded reaches the script too.
  await page.getByLabel('Batch size').fill('64');
  await expect(page).toHaveURL(/batch=64/);
  const link = page.url();

  for (const [button, engine, constructor, schedule] of [
    ['Export as Keras script', 'keras', 'keras.optimizers.Lion(', 'keras.optimizers.schedules.CosineDecay('],
    ['Export as PyTorch script', 'pytorch', 'KerasLion(params, ', 'def cosine_decay(lr, v, step):'],
  ] as const) {
    const { fileName, bytes } = await download(page, button);
    const script = bytes.toString('utf8');
    expect(fileName).toMatch(SCRIPT_NAME);
    expect(fileName.endsWith(`-${engine}.py`)).toBe(true);
    expect(script.startsWith('#!/usr/bin/env python3')).toBe(true);
    expect(script).toContain(`LINK = "${link}"`);
    expect(script).toContain('with SGD, Adam, Adam 2, Lion:');
    for (const [optimizer, ordinal] of [['sgd', 1], ['adam', 1], ['adam', 2], ['lion', 1]] as const) {
      expect(script).toMatch(new RegExp(`"optimizer": "${optimizer}",\\s+"ordinal": ${ordinal},\\s+"selected": True`));
    }
    expect(script).toMatch(/"momentum": 0\.9/);
    expect(script).toMatch(/"learningRate": 0\.01,\s*"beta1"/);
    expect(script).toMatch(/"clipNorm": 1\.0/);
    expect(script).toMatch(/"schedule": \{\s*"kind": "cosine"/);
    expect(script).toContain(schedule);
    expect(script).toContain('"batchSize": 64');
    expect(script).toContain(constructor);
    expect(script).not.toMatch(/"optimizer": "adagrad",\s+"ordinal": 1,\s+"selected": True/);
  }

  // A form that cannot train cannot be exported either.
  await page.getByLabel('Epochs').fill('0');
  await expect(page.getByRole('button', { name: 'Export as Keras script' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Export as PyTorch script' })).toBeDisabled();
});
