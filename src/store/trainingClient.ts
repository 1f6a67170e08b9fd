/**
 * Owns the training worker: creates it, speaks the protocol, and replaces it when
 * it dies. Nothing else in the UI touches postMessage.
 */
import type { ExperimentConfig } from '../experiment/config';
import type { WorkerCommand, WorkerEvent } from '../train/protocol';

export interface TrainingClientHandlers {
  onEvent(event: WorkerEvent): void;
  /** The worker died (uncaught error or failed to start); a fresh one is already loading. */
  onCrash(message: string): void;
}

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => new Worker(new URL('../train/train.worker.ts', import.meta.url), { type: 'module' });

export class TrainingClient {
  private worker: Worker | undefined;
  private dataUrl: string | undefined;

  constructor(
    private readonly handlers: TrainingClientHandlers,
    private readonly createWorker: WorkerFactory = defaultFactory,
  ) {}

  /** Starts (or restarts) the worker and has it load and verify the dataset. */
  load(dataUrl: string) {
    this.dataUrl = dataUrl;
    this.replaceWorker();
    this.send({ type: 'load', dataUrl });
  }

  train(runId: number, config: ExperimentConfig) {
    this.send({ type: 'train', runId, config });
  }

  stop(runId: number) {
    this.send({ type: 'stop', runId });
  }

  dispose() {
    this.worker?.terminate();
    this.worker = undefined;
  }

  private send(command: WorkerCommand) {
    if (!this.worker) throw new Error('The training worker is not running.');
    this.worker.postMessage(command);
  }

  private replaceWorker() {
    this.worker?.terminate();
    const worker = this.createWorker();
    worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
      if (worker === this.worker) this.handlers.onEvent(message.data);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.recover(worker, `The training worker crashed (${event.message || 'it stopped unexpectedly'}).`);
    };
    worker.onmessageerror = () => this.recover(worker, 'A message from the training worker could not be read.');
    this.worker = worker;
  }

  /** A worker in an unknown state cannot be trusted: start a fresh one so Train works without a reload. */
  private recover(worker: Worker, message: string) {
    if (worker !== this.worker) return;
    this.load(this.dataUrl!);
    this.handlers.onCrash(message);
  }
}
