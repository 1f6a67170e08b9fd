import { defineConfig } from 'vitest/config';

// Node 20 (V8 11.3) runs relaxed SIMD only behind a flag (Chromium ships it since
// 114, Node since 22), so the test workers get the flag where this Node needs it
// and the kernel's relaxed-SIMD build is tested too. The probe is kernel.ts's
// (a function using f32x4.relaxed_madd), inlined to keep this config import-free;
// kernel.test.ts fails if the workers still lack the feature.
const RELAXED_SIMD_PROBE = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11);
const relaxedSimdFlags = WebAssembly.validate(RELAXED_SIMD_PROBE) ? [] : ['--experimental-wasm-relaxed-simd'];

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['vitest.setup.ts'],
    globalSetup: ['vitest.globalSetup.ts'],
    execArgv: relaxedSimdFlags,
    // One test file per core: by default Vitest leaves one core to its main process, which
    // only waits, so on a 2-core machine the files ran one at a time.
    maxWorkers: '100%',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
