/**
 * Fetches the MNIST shards listed in the manifest, verifies each one's SHA-256,
 * decompresses it and assembles the splits. Every failure names the file.
 */
import { IMAGE_SIZE, NUM_CLASSES, parseManifest, type Manifest, type ShardEntry, type Split } from './manifest';
import { sha256Hex } from './sha256';

export interface SplitData {
  count: number;
  /** count * 784 pixels, 0..255, row-major. */
  images: Uint8Array;
  /** count labels, 0..9. */
  labels: Uint8Array;
}

export type MnistData = Record<Split, SplitData>;

export interface LoadProgress {
  loadedBytes: number;
  totalBytes: number;
  filesDone: number;
  filesTotal: number;
}

export class DataLoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'DataLoadError';
  }
}

export interface LoadOptions {
  fetchImpl?: typeof fetch;
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Assemble the splits in SharedArrayBuffers (needs cross-origin isolation), so other
   * workers can read the same memory; allocated so from the start, never copied there.
   */
  sharedMemory?: boolean;
}

const REBUILD_HINT = 'Rebuild the app (npm run build) to regenerate the data, then reload.';

export async function loadMnist(dataUrl: string, options: LoadOptions = {}): Promise<MnistData> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const base = dataUrl.endsWith('/') ? dataUrl : `${dataUrl}/`;
  const manifest = await loadManifest(base, fetchImpl);

  const progress: LoadProgress = {
    loadedBytes: 0,
    totalBytes: manifest.shards.reduce((sum, s) => sum + s.bytes, 0),
    filesDone: 0,
    filesTotal: manifest.shards.length,
  };
  options.onProgress?.({ ...progress });

  const data: MnistData = {
    train: allocateSplit(manifest, 'train', options.sharedMemory ?? false),
    test: allocateSplit(manifest, 'test', options.sharedMemory ?? false),
  };
  // The first failure cancels the other downloads, so no progress follows the error.
  const abort = new AbortController();
  const report = () => {
    if (!abort.signal.aborted) options.onProgress?.({ ...progress });
  };
  const fetchShard: typeof fetch = (input, init) => fetchImpl(input, { ...init, signal: abort.signal });
  await Promise.all(
    manifest.shards.map(async (shard) => {
      const raw = await loadShard(base, shard, fetchShard, (delta) => {
        progress.loadedBytes += delta;
        report();
      });
      const split = data[shard.split];
      if (shard.kind === 'images') split.images.set(raw, shard.start * IMAGE_SIZE);
      else {
        const bad = raw.findIndex((label) => label >= NUM_CLASSES);
        if (bad >= 0) throw new DataLoadError(shard.file, `${shard.file} is corrupt: label ${raw[bad]} at position ${bad} is not a digit. ${REBUILD_HINT}`);
        split.labels.set(raw, shard.start);
      }
      progress.filesDone += 1;
      report();
    }),
  ).catch((error: unknown) => {
    abort.abort();
    throw error;
  });
  return data;
}

async function loadManifest(base: string, fetchImpl: typeof fetch): Promise<Manifest> {
  const file = 'manifest.json';
  let response: Response;
  try {
    response = await fetchImpl(`${base}${file}`);
  } catch (error) {
    throw new DataLoadError(file, `Could not download ${file}: ${describe(error)}. Check that the app's server is running.`);
  }
  if (!response.ok) throw new DataLoadError(file, `The dataset manifest ${file} is missing (HTTP ${response.status}). ${REBUILD_HINT}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new DataLoadError(file, `${file} is not valid JSON. ${REBUILD_HINT}`);
  }
  try {
    return parseManifest(json);
  } catch (error) {
    throw new DataLoadError(file, `${describe(error)} ${REBUILD_HINT}`);
  }
}

function allocateSplit(manifest: Manifest, split: Split, sharedMemory: boolean): SplitData {
  const count = manifest.splits[split].count;
  const bytes = (length: number) => new Uint8Array(sharedMemory ? new SharedArrayBuffer(length) : new ArrayBuffer(length));
  return { count, images: bytes(count * IMAGE_SIZE), labels: bytes(count) };
}

async function loadShard(
  base: string,
  shard: ShardEntry,
  fetchImpl: typeof fetch,
  onBytes: (delta: number) => void,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchImpl(`${base}${shard.file}`);
  } catch (error) {
    throw new DataLoadError(shard.file, `Could not download data shard ${shard.file}: ${describe(error)}.`);
  }
  if (!response.ok) {
    throw new DataLoadError(shard.file, `Data shard ${shard.file} is missing (HTTP ${response.status}). ${REBUILD_HINT}`);
  }
  const compressed = await readBody(response, shard, onBytes);
  if (compressed.length !== shard.bytes) {
    throw new DataLoadError(
      shard.file,
      `Data shard ${shard.file} is truncated or damaged: expected ${shard.bytes} bytes, received ${compressed.length}. ${REBUILD_HINT}`,
    );
  }
  const digest = await sha256Hex(compressed);
  if (digest !== shard.sha256) {
    throw new DataLoadError(shard.file, `Data shard ${shard.file} is corrupt: its SHA-256 does not match the manifest. ${REBUILD_HINT}`);
  }
  let raw: Uint8Array;
  try {
    raw = await gunzip(compressed);
  } catch (error) {
    throw new DataLoadError(shard.file, `Data shard ${shard.file} could not be decompressed: ${describe(error)}. ${REBUILD_HINT}`);
  }
  if (raw.length !== shard.rawBytes) {
    throw new DataLoadError(shard.file, `Data shard ${shard.file} holds ${raw.length} bytes, expected ${shard.rawBytes}. ${REBUILD_HINT}`);
  }
  return raw;
}

/** Reads a response body while reporting bytes as they arrive, so the progress bar moves. */
async function readBody(response: Response, shard: ShardEntry, onBytes: (delta: number) => void): Promise<Uint8Array> {
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  // Never trust a server's length blindly: cap what we accept at the manifest size + 1 (enough to detect excess).
  const limit = shard.bytes + 1;
  const out = new Uint8Array(limit);
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.length, limit - length);
      out.set(value.subarray(0, take), length);
      length += take;
      onBytes(take);
      if (length >= limit) {
        // Not awaited: cancelling a stream mid-flight may never settle.
        void reader.cancel().catch(() => {});
        break;
      }
    }
  } catch (error) {
    throw new DataLoadError(shard.file, `Download of data shard ${shard.file} was interrupted: ${describe(error)}.`);
  }
  return out.subarray(0, length);
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
