import { formatCount, formatMegabytes } from '../format';
import { usePlayground } from '../StoreContext';
import { describeDataSharing } from './describeDataSharing';

/** For the curious and for tests: what the workers hold right now, and how they got the dataset. */
export function Diagnostics() {
  const memory = usePlayground((s) => s.memory);
  const measure = usePlayground((s) => s.measureMemory);
  const onGpu = usePlayground((s) => s.backend?.name === 'webgl');
  const simulateGpuReset = usePlayground((s) => s.simulateGpuReset);
  return (
    <details className="diagnostics">
      <summary>Diagnostics</summary>
      <button type="button" onClick={measure}>
        Measure memory
      </button>{' '}
      <span role="status" aria-label="Worker memory">
        {memory
          ? `${formatCount(memory.numTensors)} tensors (${formatMegabytes(memory.numBytes)}) in ${memory.workers} worker${memory.workers === 1 ? '' : 's'}; ${memory.busy ? 'training' : 'idle'}.`
          : 'Not measured yet.'}
      </span>
      {memory && (
        <p role="status" aria-label="Dataset sharing">
          {describeDataSharing(memory.crossOriginIsolated, memory.dataDelivery)}
        </p>
      )}
      {onGpu && (
        <button type="button" onClick={simulateGpuReset}>
          Simulate a GPU reset
        </button>
      )}
    </details>
  );
}
