/**
 * Browser side of the training kernel: both builds as URLs that Vite emits and
 * fingerprints (scripts/build-kernel.ts writes them before dev and build), and a
 * loader for the fastest one this browser runs. For a worker; Node uses
 * src/testing/kernelNode.ts instead.
 */
import relaxedSimdUrl from './build/kernel-relaxed-simd.wasm?url';
import simdUrl from './build/kernel-simd.wasm?url';
import { instantiateKernel, preferredKernelBuild, type Kernel, type KernelBuild } from './kernel';

export const KERNEL_URLS: Record<KernelBuild, string> = { simd: simdUrl, 'relaxed-simd': relaxedSimdUrl };

/** The compiled kernel for this browser, or undefined where WebAssembly SIMD is missing. */
export async function loadBrowserKernel(fetchImpl: typeof fetch = fetch): Promise<{ build: KernelBuild; kernel: Kernel } | undefined> {
  const build = preferredKernelBuild();
  if (!build) return undefined;
  const url = KERNEL_URLS[build];
  const response = await fetchImpl(url);
  if (!response.ok) throw new Error(`Could not load the training kernel ${url} (HTTP ${response.status}).`);
  return { build, kernel: await instantiateKernel(await response.arrayBuffer()) };
}
