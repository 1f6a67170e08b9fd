import { defineConfig } from 'vitest/config';
import { supportsRelaxedSimd } from './src/train/kernel/kernel';

// Node 20 (V8 11.3) runs relaxed SIMD only behind a flag (Chromium ships it since
// 114, Node since 22), so the test workers get the flag where this Node needs it
// and the kernel's relaxed-SIMD build is tested too.
const relaxedSimdFlags = supportsRelaxedSimd() ? [] : ['--experimental-wasm-relaxed-simd'];

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['vitest.setup.ts'],
    globalSetup: ['vitest.globalSetup.ts'],
    execArgv: relaxedSimdFlags,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
