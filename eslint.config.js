// ESLint: typescript-eslint's recommended correctness rules, and the module boundaries
// of docs/ARCHITECTURE.md (eslint-plugin-boundaries, on resolved paths). `npm run lint`;
// `npm test` runs it first. scripts/eslintBoundaries.test.ts proves that each boundary holds.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The folders of src/ as architectural elements; a file belongs to the first that matches. */
const ELEMENTS = [
  { type: 'ui', pattern: 'src/ui' },
  { type: 'store', pattern: 'src/store' },
  { type: 'train', pattern: 'src/train' },
  { type: 'data', pattern: 'src/data' },
  { type: 'experiment', pattern: 'src/experiment' },
  { type: 'testing', pattern: 'src/testing' },
  { type: 'app', pattern: 'src/*.{ts,tsx}', partialMatch: false },
  { type: 'scripts', pattern: '{scripts,bench,e2e}' },
];

const REACT = ['react', 'react/**', 'react-dom', 'react-dom/**'];
const TFJS = ['@tensorflow/*', '@tensorflow/*/**'];
/** What unit tests may import besides what their folder may. */
const TEST_TOOLS = ['vitest', 'vitest/**', 'fast-check'];

export default defineConfig(
  globalIgnores(['dist/', 'public/', 'test-results/', 'playwright-report/', 'src/train/kernel/assembly/', 'src/train/kernel/build/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc (noUnusedLocals/Parameters) already refuses unused names; `_name` marks a deliberate one.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Control characters are matched on purpose here (it strips them from link text).
    files: ['src/experiment/urlState.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Tests build malformed inputs on purpose.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/files': [{ category: 'test', pattern: '**/*.test.ts' }],
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          // External packages are checked too (React in train/, anything but zod in experiment/).
          checkAllOrigins: true,
          // Local files outside the elements (package.json, the config files) are checked too.
          checkUnknownLocals: true,
          policies: [
            // ui/ shows what the store holds: types only from train/, nothing from data/.
            {
              from: { element: { type: 'ui' } },
              disallow: { to: { element: { types: ['train', 'data'] } } },
              message: 'src/ui/ may import only types from src/train/ (`import type`) and nothing from src/data/.',
            },
            { from: { element: { type: 'ui' } }, allow: { to: { element: { type: 'train' } }, dependency: { kind: 'type' } } },
            // The store talks to the worker through the protocol's types; tfjs stays in the worker.
            {
              from: { element: { type: 'store' } },
              disallow: { to: { element: { type: 'train' } } },
              message: 'src/store/ may import only types from src/train/ (`import type`).',
            },
            { from: { element: { type: 'store' } }, allow: { to: { element: { type: 'train' } }, dependency: { kind: 'type' } } },
            {
              from: { element: { types: ['ui', 'store'] } },
              disallow: { to: { module: { source: TFJS } } },
              message: 'tfjs runs in the worker: not in src/ui/ or src/store/.',
            },
            // experiment/ is the shared vocabulary: its own files and zod, nothing else.
            {
              from: { element: { type: 'experiment' } },
              disallow: { to: { module: { origin: ['local', 'external', 'core'] } } },
              message: 'src/experiment/ may import only zod and its own files.',
            },
            { from: { element: { type: 'experiment' } }, allow: [{ to: { element: { type: 'experiment' } } }, { to: { module: { source: 'zod' } } }] },
            // The one exception: the app's version, written into results files (and checked by their test).
            { from: { element: { type: 'experiment' }, file: { path: 'src/experiment/resultsFile{,.test}.ts' } }, allow: { to: { file: { path: 'package.json' } } } },
            // train/ runs in the worker: no React.
            {
              from: { element: { type: 'train' } },
              disallow: { to: { module: { source: REACT } } },
              message: 'src/train/ runs in the worker and must not import React.',
            },
            // Unit tests may use the test tools, Node's built-ins (fixture files) and the helpers in src/testing/.
            {
              from: { file: { categories: 'test' } },
              allow: [{ to: { module: { source: TEST_TOOLS } } }, { to: { module: { origin: 'core' } } }, { to: { element: { type: 'testing' } } }],
            },
          ],
        },
      ],
    },
  },
);
