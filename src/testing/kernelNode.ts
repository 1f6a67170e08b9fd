/** Test and script helper (Node only): the kernel builds that scripts/build-kernel.ts wrote. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { instantiateKernel, supportsRelaxedSimd, type Kernel, type KernelBuild } from '../train/kernel/kernel';

const buildDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'train', 'kernel', 'build');

export function kernelBytes(build: KernelBuild): Uint8Array<ArrayBuffer> {
  const path = join(buildDir, `kernel-${build}.wasm`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npx tsx scripts/build-kernel.ts (npm install does).`);
  return new Uint8Array(readFileSync(path));
}

export function loadKernel(build: KernelBuild): Promise<Kernel> {
  return instantiateKernel(kernelBytes(build));
}

/** Node 20 runs relaxed SIMD only behind a V8 flag; call before any wasm compiles. */
export function enableRelaxedSimdInNode(): void {
  if (!supportsRelaxedSimd()) setFlagsFromString('--experimental-wasm-relaxed-simd');
}
