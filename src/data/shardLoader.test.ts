import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareMnist, type SourceFiles } from '../../scripts/prepareMnist';
import { fixture, FIXTURE_TEST, FIXTURE_TRAIN, fixtureIdx, sha256, writeSources } from '../testing/mnistFixture';
import { IMAGE_SIZE, type Manifest, type ShardEntry } from './manifest';
import { sha256Hex } from './sha256';
import { DataLoadError, loadMnist, type LoadProgress } from './shardLoader';

const TRAIN = FIXTURE_TRAIN;
const TEST = FIXTURE_TEST;
const DATA_URL = 'https://playground.test/data/mnist';
const BASE = `${DATA_URL}/`;

const root = mkdtempSync(join(tmpdir(), 'shard-loader-test-'));
const dataDir = join(root, 'out');
let manifest: Manifest;

beforeAll(() => {
  const sourceDir = join(root, 'source');
  mkdirSync(sourceDir, { recursive: true });
  const sources: SourceFiles = writeSources(sourceDir, fixtureIdx());
  manifest = prepareMnist({ sourceDir, outDir: dataDir, sources, shardExamples: 10, sourceName: 'fixture' });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const shardNamed = (file: string): ShardEntry => {
  const found = manifest.shards.find((s) => s.file === file);
  if (!found) throw new Error(`fixture has no shard ${file}`);
  return found;
};
const imageShard = () => manifest.shards.find((s) => s.split === 'train' && s.kind === 'images' && s.start === 10)!;
const labelShard = () => manifest.shards.find((s) => s.split === 'test' && s.kind === 'labels')!;
const shardBytes = (file: string) => new Uint8Array(readFileSync(join(dataDir, file)));
const asBody = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

/** What the fake server answers for one file name: bytes, a ready Response, a thrown error, or a handler. */
type Served = Uint8Array | Response | Error | ((init?: RequestInit) => Response | Promise<Response>);

interface FetchCall {
  url: string;
  signal: AbortSignal | undefined;
}

/** A fetch that serves the prepared directory under BASE, with per-file overrides. */
function fakeServer(overrides: Record<string, Served> = {}) {
  const calls: FetchCall[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, signal: init?.signal ?? undefined });
    if (!url.startsWith(BASE)) return new Response(null, { status: 404 });
    const name = url.slice(BASE.length);
    const override = overrides[name];
    if (override instanceof Error) throw override;
    if (override instanceof Response) return override;
    if (typeof override === 'function') return override(init);
    const path = join(dataDir, name);
    const bytes = override ?? (existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined);
    return bytes ? new Response(asBody(bytes)) : new Response(null, { status: 404 });
  }) as typeof fetch;
  return { fetchImpl, calls };
}

/** The served manifest with some shard entries replaced, encoded as the server would send it. */
function manifestWith(replace: Record<string, Partial<ShardEntry>>): Uint8Array {
  const edited = { ...manifest, shards: manifest.shards.map((s) => ({ ...s, ...replace[s.file] })) };
  return new TextEncoder().encode(JSON.stringify(edited));
}

/** Serves `bytes` as shard `file`, with a manifest whose size and hash match them (so only later checks can fail). */
function replacedShard(file: string, bytes: Uint8Array, extra: Partial<ShardEntry> = {}): Record<string, Served> {
  return { [file]: bytes, 'manifest.json': manifestWith({ [file]: { bytes: bytes.length, sha256: sha256(bytes), ...extra } }) };
}

async function loadError(overrides: Record<string, Served>): Promise<DataLoadError> {
  const { fetchImpl } = fakeServer(overrides);
  const error = await loadMnist(DATA_URL, { fetchImpl }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataLoadError);
  expect((error as Error).name).toBe('DataLoadError');
  return error as DataLoadError;
}

/** A body that arrives in small chunks, like a slow network. */
function chunkedResponse(bytes: Uint8Array, chunkSize: number): Response {
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return new Response(stream);
}

describe('loadMnist round trip', () => {
  it('assembles images and labels identical to the fixture', async () => {
    const { fetchImpl } = fakeServer();
    const data = await loadMnist(DATA_URL, { fetchImpl });
    expect(data.train.count).toBe(TRAIN);
    expect(data.test.count).toBe(TEST);
    expect(data.train.images).toEqual(fixture.train.images);
    expect(data.train.labels).toEqual(fixture.train.labels);
    expect(data.test.images).toEqual(fixture.test.images);
    expect(data.test.labels).toEqual(fixture.test.labels);
  });

  it('assembles the splits in SharedArrayBuffers when asked, with the same contents', async () => {
    const { fetchImpl } = fakeServer();
    const data = await loadMnist(DATA_URL, { fetchImpl, sharedMemory: true });
    for (const bytes of [data.train.images, data.train.labels, data.test.images, data.test.labels]) {
      expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      // Allocated at their final size: no larger shared block to copy out of.
      expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
    }
    expect(data.train.images).toEqual(fixture.train.images);
    expect(data.test.labels).toEqual(fixture.test.labels);

    const ordinary = await loadMnist(DATA_URL, { fetchImpl });
    expect(ordinary.train.images.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('requests the manifest and every shard once, relative to the data URL with or without a trailing slash', async () => {
    for (const url of [DATA_URL, BASE]) {
      const { fetchImpl, calls } = fakeServer();
      await loadMnist(url, { fetchImpl });
      expect(calls.map((c) => c.url).sort()).toEqual([`${BASE}manifest.json`, ...manifest.shards.map((s) => `${BASE}${s.file}`)].sort());
    }
  });

  it('reports monotonic progress that ends at totalBytes with every file done', async () => {
    const events: LoadProgress[] = [];
    const { fetchImpl } = fakeServer();
    await loadMnist(DATA_URL, { fetchImpl, onProgress: (p) => events.push(p) });

    const totalBytes = manifest.shards.reduce((sum, s) => sum + s.bytes, 0);
    expect(events[0]).toEqual({ loadedBytes: 0, totalBytes, filesDone: 0, filesTotal: manifest.shards.length });
    for (let i = 1; i < events.length; i++) {
      expect(events[i].loadedBytes).toBeGreaterThanOrEqual(events[i - 1].loadedBytes);
      expect(events[i].filesDone).toBeGreaterThanOrEqual(events[i - 1].filesDone);
      expect(events[i].totalBytes).toBe(totalBytes);
      expect(events[i].filesTotal).toBe(manifest.shards.length);
      expect(events[i].loadedBytes).toBeLessThanOrEqual(totalBytes);
    }
    expect(events.at(-1)).toEqual({ loadedBytes: totalBytes, totalBytes, filesDone: manifest.shards.length, filesTotal: manifest.shards.length });
  });

  it('hands out progress snapshots that later updates do not change', async () => {
    const events: LoadProgress[] = [];
    const { fetchImpl } = fakeServer();
    await loadMnist(DATA_URL, { fetchImpl, onProgress: (p) => events.push(p) });
    expect(events[0].loadedBytes).toBe(0);
    expect(new Set(events).size).toBe(events.length);
  });

  it('reports progress per chunk when a shard arrives in pieces', async () => {
    const shard = imageShard();
    const events: LoadProgress[] = [];
    const { fetchImpl } = fakeServer({ [shard.file]: () => chunkedResponse(shardBytes(shard.file), 64) });
    const data = await loadMnist(DATA_URL, { fetchImpl, onProgress: (p) => events.push(p) });
    expect(data.train.images).toEqual(fixture.train.images);
    expect(events.length).toBeGreaterThan(Math.floor(shard.bytes / 64));
    expect(events.at(-1)!.loadedBytes).toBe(events.at(-1)!.totalBytes);
  });

  it('accepts a response without a body stream', async () => {
    const shard = labelShard();
    const bytes = shardBytes(shard.file);
    const bodiless = { ok: true, status: 200, body: null, arrayBuffer: async () => bytes.slice().buffer } as unknown as Response;
    const { fetchImpl } = fakeServer({ [shard.file]: () => bodiless });
    const events: LoadProgress[] = [];
    const data = await loadMnist(DATA_URL, { fetchImpl, onProgress: (p) => events.push(p) });
    expect(data.test.labels).toEqual(fixture.test.labels);
    expect(events.at(-1)!.loadedBytes).toBe(events.at(-1)!.totalBytes);
  });

  it('still loads when WebCrypto is unavailable (plain-http origin)', async () => {
    vi.stubGlobal('crypto', {});
    const { fetchImpl } = fakeServer();
    const data = await loadMnist(DATA_URL, { fetchImpl });
    expect(data.train.images).toEqual(fixture.train.images);
    expect(data.test.labels).toEqual(fixture.test.labels);
  });
});

describe('loadMnist failures name the file', () => {
  it('a missing shard (HTTP 404)', async () => {
    const shard = imageShard();
    const error = await loadError({ [shard.file]: new Response(null, { status: 404 }) });
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(shard.file);
    expect(error.message).toMatch(/missing \(HTTP 404\)/);
  });

  it('a corrupt shard (one byte flipped): SHA-256 mismatch', async () => {
    const shard = imageShard();
    const bytes = shardBytes(shard.file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x40;
    const error = await loadError({ [shard.file]: bytes });
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(shard.file);
    expect(error.message).toMatch(/SHA-256 does not match/);
  });

  it('a truncated shard', async () => {
    const shard = labelShard();
    const error = await loadError({ [shard.file]: shardBytes(shard.file).subarray(0, shard.bytes - 5) });
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(shard.file);
    expect(error.message).toContain(`expected ${shard.bytes} bytes, received ${shard.bytes - 5}`);
  });

  it('an oversize shard, reading no more than one byte past the manifest size', async () => {
    const shard = imageShard();
    const padded = new Uint8Array(shard.bytes + 100_000);
    padded.set(shardBytes(shard.file));
    const error = await loadError({ [shard.file]: padded });
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(shard.file);
    expect(error.message).toContain(`expected ${shard.bytes} bytes, received ${shard.bytes + 1}`);
  });

  it('the manifest missing (HTTP 404)', async () => {
    const error = await loadError({ 'manifest.json': new Response(null, { status: 404 }) });
    expect(error.file).toBe('manifest.json');
    expect(error.message).toMatch(/manifest\.json is missing \(HTTP 404\)/);
  });

  it('a manifest that is not JSON', async () => {
    const error = await loadError({ 'manifest.json': new TextEncoder().encode('<!doctype html><title>Not found</title>') });
    expect(error.file).toBe('manifest.json');
    expect(error.message).toMatch(/manifest\.json is not valid JSON/);
  });

  it('a malformed manifest, passing on what is wrong', async () => {
    const error = await loadError({ 'manifest.json': new TextEncoder().encode(JSON.stringify({ ...manifest, format: 2 })) });
    expect(error.file).toBe('manifest.json');
    expect(error.message).toMatch(/manifest\.json is malformed: unsupported format 2/);
  });

  it('a manifest whose shard names escape the data folder', async () => {
    const error = await loadError({ 'manifest.json': manifestWith({ [imageShard().file]: { file: '../secret' } }) });
    expect(error.file).toBe('manifest.json');
    expect(error.message).toMatch(/invalid file name/);
  });

  it('fetch rejecting for the manifest (network error)', async () => {
    const error = await loadError({ 'manifest.json': new TypeError('fetch failed: ECONNREFUSED') });
    expect(error.file).toBe('manifest.json');
    expect(error.message).toMatch(/Could not download manifest\.json: fetch failed: ECONNREFUSED/);
  });

  it('fetch rejecting for a shard (network error)', async () => {
    const shard = labelShard();
    const error = await loadError({ [shard.file]: new TypeError('network down') });
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(`Could not download data shard ${shard.file}: network down`);
  });

  it('a download interrupted mid-body', async () => {
    const shard = imageShard();
    const bytes = shardBytes(shard.file);
    const broken = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes.slice(0, 100));
            controller.error(new Error('connection reset'));
          },
        }),
      );
    const error = await loadError({ [shard.file]: broken });
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(`Download of data shard ${shard.file} was interrupted: connection reset`);
  });

  it('a shard whose hash matches but which is not gzip data', async () => {
    const shard = imageShard();
    const error = await loadError(replacedShard(shard.file, new TextEncoder().encode('definitely not gzip')));
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(`Data shard ${shard.file} could not be decompressed`);
  });

  it('a shard that decompresses to the wrong size', async () => {
    const shard = imageShard();
    const gz = new Uint8Array(gzipSync(new Uint8Array(shard.rawBytes - IMAGE_SIZE)));
    const error = await loadError(replacedShard(shard.file, gz));
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(`Data shard ${shard.file} holds ${shard.rawBytes - IMAGE_SIZE} bytes, expected ${shard.rawBytes}`);
  });

  it('a labels shard holding a value that is not a digit', async () => {
    const shard = labelShard();
    const labels = fixture.test.labels.slice();
    labels[4] = 12;
    const error = await loadError(replacedShard(shard.file, new Uint8Array(gzipSync(labels))));
    expect(error.file).toBe(shard.file);
    expect(error.message).toContain(`${shard.file} is corrupt: label 12 at position 4`);
  });

  it('reports the failing shard even when another shard is still downloading, then cancels it and stops reporting progress', async () => {
    const failing = labelShard();
    const slow = shardNamed(imageShard().file);
    const slowBytes = shardBytes(slow.file);
    let slowController!: ReadableStreamDefaultController<Uint8Array>;
    let slowSignal: AbortSignal | undefined;
    const { fetchImpl } = fakeServer({
      [failing.file]: new Response(null, { status: 404 }),
      // This server ignores the abort signal, so the loader itself must stop listening.
      [slow.file]: (init) => {
        slowSignal = init?.signal ?? undefined;
        return new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              slowController = controller;
              controller.enqueue(slowBytes.slice(0, 10));
            },
          }),
        );
      },
    });
    const events: LoadProgress[] = [];
    const error = await loadMnist(DATA_URL, { fetchImpl, onProgress: (p) => events.push(p) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataLoadError);
    expect((error as DataLoadError).file).toBe(failing.file);
    expect(slowSignal?.aborted).toBe(true);

    const reported = events.length;
    try {
      slowController.enqueue(slowBytes.slice(10));
      slowController.close();
    } catch {
      // The loader may have cancelled the stream itself, which is fine too.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.length).toBe(reported);
  });
});

describe('sha256Hex', () => {
  const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  const abc = new TextEncoder().encode('abc');

  it('gives the FIPS 180-2 digest of "abc" and of the empty string using WebCrypto', async () => {
    const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
    expect(await sha256Hex(abc)).toBe(ABC);
    expect(await sha256Hex(new Uint8Array())).toBe(EMPTY);
    expect(digest).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['an object without subtle', {}],
    ['undefined', undefined],
  ])('falls back to @noble/hashes when crypto is %s', async (_, stub) => {
    vi.stubGlobal('crypto', stub);
    expect(globalThis.crypto?.subtle).toBeUndefined();
    expect(await sha256Hex(abc)).toBe(ABC);
    expect(await sha256Hex(new Uint8Array())).toBe(EMPTY);
  });

  it('restores WebCrypto after the stub is removed', () => {
    expect(globalThis.crypto.subtle).toBeDefined();
  });

  it('hashes a subarray view by its own bytes, not its whole buffer, on both paths', async () => {
    const buffer = new Uint8Array([1, 2, 3, ...abc, 4, 5]);
    const view = buffer.subarray(3, 6);
    expect(await sha256Hex(view)).toBe(ABC);
    vi.stubGlobal('crypto', {});
    expect(await sha256Hex(view)).toBe(ABC);
  });

  it('WebCrypto and the fallback agree with node:crypto on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const expected = sha256(bytes);
        expect(await sha256Hex(bytes)).toBe(expected);
        vi.stubGlobal('crypto', {});
        try {
          expect(await sha256Hex(bytes)).toBe(expected);
        } finally {
          vi.unstubAllGlobals();
        }
      }),
      { numRuns: 100 },
    );
  });
});
