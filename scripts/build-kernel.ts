/**
 * Compiles the AssemblyScript training kernel (src/train/kernel/assembly) into two
 * builds from one source: plain SIMD, and relaxed SIMD where f32x4.relaxed_madd may
 * fuse (the source switches on ASC_FEATURE_RELAXED_SIMD). `npm install`, `npm run
 * build` and `npm run dev` run it; the unit tests' global setup too. Skips the work
 * when a stamp of the sources, compiler version and flags matches and the outputs
 * still hash to what was written.
 *
 * First it writes the optimizer updates, generated from the optimizer definitions
 * (src/train/kernel/generateUpdate.ts), into assembly/update.generated.ts (ignored by
 * git like the .wasm: it is a build output, and a copy in the tree could only go
 * stale); the file is rewritten only when its text changes, and it is part of the stamp.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GENERATED_UPDATE_FILE, generateUpdateSource } from '../src/train/kernel/generateUpdate';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'src', 'train', 'kernel', 'assembly');
export const KERNEL_BUILD_DIR = join(root, 'src', 'train', 'kernel', 'build');
const entry = join(sourceDir, 'kernel.ts');
const stampFile = join(KERNEL_BUILD_DIR, 'stamp.json');

// -O3 with assertions compiled out (the wrapper checks every size before wasm runs);
// the stub runtime, as the kernel manages its own buffers and never allocates.
const COMMON_FLAGS = ['-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd'];
export const KERNEL_BUILDS = [
  { name: 'simd', file: 'kernel-simd.wasm', flags: COMMON_FLAGS },
  { name: 'relaxed-simd', file: 'kernel-relaxed-simd.wasm', flags: [...COMMON_FLAGS, '--enable', 'relaxed-simd'] },
] as const;

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

function inputsHash(): string {
  const ascVersion = (createRequire(import.meta.url)('assemblyscript/package.json') as { version: string }).version;
  const hash = createHash('sha256').update(`asc ${ascVersion}\n`);
  for (const build of KERNEL_BUILDS) hash.update(`${build.file}: ${build.flags.join(' ')}\n`);
  for (const file of sourceFiles(sourceDir)) hash.update(`${relative(sourceDir, file)}\n`).update(readFileSync(file));
  return hash.digest('hex');
}

interface Stamp {
  inputs: string;
  outputs: Record<string, string>;
}

function upToDate(inputs: string): boolean {
  if (!existsSync(stampFile)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
    return (
      stamp.inputs === inputs &&
      KERNEL_BUILDS.every(({ file }) => {
        const path = join(KERNEL_BUILD_DIR, file);
        return existsSync(path) && sha256(readFileSync(path)) === stamp.outputs[file];
      })
    );
  } catch {
    return false;
  }
}

/** Writes assembly/update.generated.ts when its text differs; returns whether it wrote. */
export function writeGeneratedUpdate(): boolean {
  const path = join(sourceDir, GENERATED_UPDATE_FILE);
  const text = generateUpdateSource();
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
  return true;
}

/** Builds both kernels unless they are up to date; returns whether it compiled. */
export async function buildKernel(log: (line: string) => void = console.log): Promise<boolean> {
  if (writeGeneratedUpdate()) log(`build-kernel: wrote ${relative(root, join(sourceDir, GENERATED_UPDATE_FILE))} from the optimizer definitions.`);
  const inputs = inputsHash();
  if (upToDate(inputs)) {
    log(`build-kernel: ${relative(root, KERNEL_BUILD_DIR)} is up to date.`);
    return false;
  }
  const { default: asc } = await import('assemblyscript/asc');
  mkdirSync(KERNEL_BUILD_DIR, { recursive: true });
  const outputs: Record<string, string> = {};
  for (const build of KERNEL_BUILDS) {
    const started = Date.now();
    let binary: Uint8Array | undefined;
    const errors: string[] = [];
    const result = await asc.main([entry, '--outFile', 'kernel.wasm', ...build.flags], {
      writeFile: (name, contents) => {
        if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
      },
      stdout: asc.createMemoryStream(),
      stderr: asc.createMemoryStream((chunk) => errors.push(String(chunk))),
    });
    if (result.error || !binary) throw new Error(`asc failed for the ${build.name} build: ${result.error?.message ?? 'no output'}\n${errors.join('')}`);
    // Written under a temporary name and renamed, so a concurrent reader never sees half a file.
    const target = join(KERNEL_BUILD_DIR, build.file);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, binary);
    renameSync(temporary, target);
    outputs[build.file] = sha256(binary);
    log(`build-kernel: ${build.file} (${binary.length.toLocaleString('en-US')} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
  writeFileSync(stampFile, `${JSON.stringify({ inputs, outputs } satisfies Stamp, null, 2)}\n`);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildKernel().catch((error: unknown) => {
    console.error(`build-kernel: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
