import { buildKernel } from './scripts/build-kernel';

/** The kernel tests load the compiled .wasm: rebuild it first when its source changed. */
export default async function setup(): Promise<void> {
  await buildKernel(() => {});
}
