/**
 * The module boundaries in eslint.config.js, proved: ESLint (the project's own config)
 * lints small snippets as if they were files in each folder, and every import that
 * crosses a boundary must be reported, while the allowed ones must not. Without the
 * boundaries rule, or with a rule that no longer matches, these tests fail.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The boundary errors ESLint reports for `code` placed at `file` (relative to the repository root). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, `${file} must parse`).toEqual([]);
  return result.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

describe('src/ui/ imports only types from src/train/, nothing from src/data/', () => {
  const file = 'src/ui/status/Fixture.tsx';

  it('refuses a value import from train/, however the path is spelled', async () => {
    expect(await boundaryErrors(file, "import { trainExperiment } from '../../train/trainer';")).toEqual([expect.stringMatching(/src\/ui\/ may import only types from src\/train\//)]);
    expect(await boundaryErrors(file, "import { createTfjsEngine } from '../settings/../../train/tfjsEngine';")).toHaveLength(1);
    expect(await boundaryErrors(file, "import * as tf from '../../train/network';")).toHaveLength(1);
    // Re-exports and dynamic imports are dependencies too.
    expect(await boundaryErrors(file, "export { trainExperiment } from '../../train/trainer';")).toHaveLength(1);
    expect(await boundaryErrors(file, "export const load = () => import('../../train/trainer');")).toHaveLength(1);
  });

  it('allows `import type` from train/', async () => {
    expect(await boundaryErrors(file, "import type { BackendPreference, DataDelivery } from '../../train/protocol';")).toEqual([]);
    expect(await boundaryErrors(file, "import type { TrainingProgress } from '../../train/trainer';")).toEqual([]);
  });

  it('refuses anything from data/, types included', async () => {
    expect(await boundaryErrors(file, "import { parseManifest } from '../../data/manifest';")).toHaveLength(1);
    expect(await boundaryErrors(file, "import type { DataDelivery } from '../../data/datasetSharing';")).toHaveLength(1);
  });

  it('allows the store, experiment/ and its own files', async () => {
    expect(await boundaryErrors(file, "import { isTraining } from '../../store/playgroundStore';\nimport { BACKEND_LABELS } from '../../experiment/backends';\nimport { formatCount } from '../format';")).toEqual([]);
  });
});

describe('tfjs stays in the worker: src/store/ imports only types from src/train/', () => {
  it('refuses a value import from train/ in the store, allows `import type`', async () => {
    expect(await boundaryErrors('src/store/fixture.ts', "import { trainExperiment } from '../train/trainer';")).toEqual([expect.stringMatching(/src\/store\/ may import only types from src\/train\//)]);
    expect(await boundaryErrors('src/store/fixture.ts', "import type { WorkerEvent } from '../train/protocol';\nimport { transferList } from '../data/datasetSharing';")).toEqual([]);
  });

  it('refuses tfjs in ui/ and store/', async () => {
    for (const file of ['src/ui/Fixture.tsx', 'src/store/fixture.ts']) {
      expect(await boundaryErrors(file, "import * as tf from '@tensorflow/tfjs';"), file).toEqual([expect.stringMatching(/tfjs runs in the worker/)]);
      expect(await boundaryErrors(file, "import '@tensorflow/tfjs-backend-wasm';"), file).toHaveLength(1);
    }
  });
});

describe('src/experiment/ imports only zod and its own files', () => {
  const file = 'src/experiment/fixture.ts';

  it('allows zod and its own files', async () => {
    expect(await boundaryErrors(file, "import { z } from 'zod';\nimport { OPTIMIZERS } from './optimizers';")).toEqual([]);
  });

  it('refuses the other folders of src/, types included', async () => {
    for (const source of ['../data/manifest', '../train/network', '../store/playgroundStore', '../ui/format', '../testing/realMnist']) {
      expect(await boundaryErrors(file, `import { x } from '${source}';`), source).toEqual([expect.stringMatching(/src\/experiment\/ may import only zod and its own files/)]);
    }
    expect(await boundaryErrors(file, "import type { BackendInfo } from '../train/protocol';")).toHaveLength(1);
  });

  it('refuses other packages, Node built-ins and files outside src/', async () => {
    for (const source of ['react', '@tensorflow/tfjs', 'zustand', 'node:fs', '../../vite.config']) {
      expect(await boundaryErrors(file, `import { x } from '${source}';`), source).toHaveLength(1);
    }
  });

  it('allows package.json only to the results file (the app version) and its test', async () => {
    const importVersion = "import { version } from '../../package.json';";
    expect(await boundaryErrors(file, importVersion)).toHaveLength(1);
    expect(await boundaryErrors('src/experiment/resultsFile.ts', importVersion)).toEqual([]);
  });

  it('lets its unit tests use the test tools', async () => {
    expect(await boundaryErrors('src/experiment/fixture.test.ts', "import { describe } from 'vitest';\nimport fc from 'fast-check';\nimport { z } from 'zod';")).toEqual([]);
    expect(await boundaryErrors('src/experiment/fixture.test.ts', "import { x } from '../data/manifest';")).toHaveLength(1);
  });
});

describe('src/train/ does not import React', () => {
  const file = 'src/train/fixture.ts';

  it('refuses react and react-dom, and their subpaths', async () => {
    for (const source of ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime']) {
      expect(await boundaryErrors(file, `import { x } from '${source}';`), source).toEqual([expect.stringMatching(/src\/train\/ runs in the worker and must not import React/)]);
    }
  });

  it('allows tfjs, data/ and experiment/', async () => {
    expect(await boundaryErrors(file, "import * as tf from '@tensorflow/tfjs';\nimport { parseManifest } from '../data/manifest';\nimport { OPTIMIZERS } from '../experiment/optimizers';")).toEqual([]);
  });
});
