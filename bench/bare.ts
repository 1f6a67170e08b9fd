/**
 * The benchmark's baseline page: starts the bare loop in one worker and shows its
 * figures as JSON for scripts/bench.ts to read.
 */
import type { BareLoopRequest, BareLoopResult } from './bareLoop.worker';

const query = new URLSearchParams(location.search);
const request: BareLoopRequest = {
  dataUrl: new URL('../data/mnist/', location.href).href,
  examples: Number(query.get('examples') ?? 60_000),
  epochs: Number(query.get('epochs') ?? 1),
};
const output = document.getElementById('result')!;
const worker = new Worker(new URL('./bareLoop.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (message: MessageEvent<BareLoopResult | { error: string }>) => {
  output.textContent = JSON.stringify(message.data);
};
worker.onerror = (event) => {
  output.textContent = JSON.stringify({ error: event.message });
};
worker.postMessage(request);
