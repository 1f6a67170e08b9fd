/**
 * Test helper (Node only): tfjs on its WebAssembly backend, single-threaded as the app
 * runs it. Much faster in Node than tfjs's pure-JavaScript cpu backend; it finds its
 * binaries beside its own files.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function useTfjsWasm(): Promise<void> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') throw new Error('tfjs-wasm did not start');
}
