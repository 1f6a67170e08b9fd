/**
 * The section of docs/RESULTS.md that `npm run verify-export` writes. Its table lives in
 * docs/results/verify-export.md, so `npm run reproduce`, which rewrites RESULTS.md, keeps it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VERIFY_EXPORT_REPORT = join(root, 'docs', 'results', 'verify-export.md');
const RESULTS_MD = join(root, 'docs', 'RESULTS.md');
const HEADING = '## The exported PyTorch script against the app';

/** The section (heading and the last report), or '' before the first run. */
export function verifyExportSection(): string {
  return existsSync(VERIFY_EXPORT_REPORT) ? `${HEADING}\n\n${readFileSync(VERIFY_EXPORT_REPORT, 'utf8').trimEnd()}\n` : '';
}

/** Replaces the section in docs/RESULTS.md (it is the last one), or appends it. */
export function updateResultsMd() {
  const current = existsSync(RESULTS_MD) ? readFileSync(RESULTS_MD, 'utf8') : '';
  const at = current.indexOf(HEADING);
  const before = (at >= 0 ? current.slice(0, at) : current).trimEnd();
  writeFileSync(RESULTS_MD, `${before}\n\n${verifyExportSection()}`);
}
