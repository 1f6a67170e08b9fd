/**
 * The closed set of messages between the UI thread and the training worker.
 * Both sides import these types; nothing else crosses the boundary.
 */
import type { BackendName } from '../experiment/backends';
import type { ExperimentConfig } from '../experiment/config';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import type { DataDelivery, HelperDataset } from '../data/datasetSharing';
import type { LoadProgress } from '../data/shardLoader';
import type { RateFinderPoint } from '../experiment/lrFinder';
import type { RateFinderEnd } from './lrFinder';
import type { TrainingOutcome, TrainingProgress } from './trainer';

/** Re-exported for the UI, which may import only types from train/ and nothing from data/. */
export type { BackendName, DataDelivery };

/** What the user asked for; 'auto' lets the app choose by the hardware. */
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** Plain-language reason for the choice, shown in the UI. */
  reason: string;
  /** Float precision of the backend's arithmetic; float16 WebGL rounds differently. */
  precision: 'float32' | 'float16';
  /** GPU renderer string when WebGL was probed. */
  renderer?: string;
  /** The automatic choice's warm-up: each candidate's training speed. */
  measurements?: { name: BackendName; samplesPerSecond: number }[];
}

/** One digit and its softmax probability. */
export interface DigitProbability {
  digit: number;
  probability: number;
}

/** A test image the contestant got wrong. */
export interface MisclassifiedExample {
  /** Its index in the test set. */
  index: number;
  label: number;
  predicted: number;
  /** The three most probable digits, most probable first. */
  top: DigitProbability[];
  /** The image as stored: 784 uint8 pixels, row-major. */
  pixels: Uint8Array;
}

/** A finished contestant on the whole test set, computed from its final weights. */
export interface ContestantEvaluation {
  /** 100 counts, row-major: row = true label, column = predicted digit. */
  confusion: number[];
  testCount: number;
  correct: number;
  /** The test images it got wrong with the highest confidence (at most 40), most confident first. */
  misclassified: MisclassifiedExample[];
  /** How long the worker took (seconds). */
  seconds: number;
}

/** One contestant's probabilities for a drawn digit. */
export interface DigitPrediction {
  contestant: string;
  /** Ten probabilities, digit 0 first. */
  probabilities: number[];
}

export interface RunPacingSettings {
  paused: boolean;
  /** null: full speed. */
  batchesPerSecond: number | null;
}

export type WorkerCommand =
  /** To the primary: choose the backend; download, verify and decode the dataset. */
  | { type: 'load'; dataUrl: string; backend?: BackendPreference }
  /** To a helper: choose the backend; the dataset comes later from the primary ('receiveData'). */
  | { type: 'startHelper'; backend: BackendPreference }
  /** To the primary: post the dataset for helper `helper` ('dataForHelper'). */
  | { type: 'shareData'; helper: number }
  /** To a helper: the primary's dataset, relayed by the page. */
  | ({ type: 'receiveData' } & HelperDataset)
  /** `pacing`: a run started paused or slowed (the page's Speed control, a Pause before the run began). */
  | { type: 'train'; runId: number; config: ExperimentConfig; pacing?: RunPacingSettings }
  | { type: 'stop'; runId: number }
  /** Pause, Resume, Step (one batch for every contestant while paused), Speed (batches per second; null: full speed). */
  | { type: 'pace'; runId: number; action: 'pause' | 'resume' | 'step' | 'speed'; batchesPerSecond?: number | null }
  /** Evaluates one finished contestant of the worker's latest run on the test set ('evaluation'). */
  | { type: 'evaluate'; runId: number; contestant: string }
  /** Every contestant of the latest run that this worker holds weights of, on one image: 784 values in [0, 1]. */
  | { type: 'predict'; runId: number; requestId: number; pixels: Float32Array }
  /** The learning-rate range test for one of `config`'s contestants (ticked or not), on the primary worker ('rateFinder'). */
  | { type: 'findRate'; requestId: number; config: ExperimentConfig; contestant: string }
  | { type: 'cancelFindRate'; requestId: number }
  | { type: 'memory' }
  /** Diagnostics: lose the WebGL context on purpose (WEBGL_lose_context), as a GPU reset would. */
  | { type: 'loseWebglContext' };

export type WorkerEvent =
  | { type: 'backend'; backend: BackendInfo }
  | { type: 'dataProgress'; progress: LoadProgress }
  | { type: 'dataReady'; trainCount: number; testCount: number; seconds: number }
  | { type: 'dataError'; file: string; message: string }
  /** From the primary: the dataset for one helper (shared memory, or a copy to transfer). */
  | ({ type: 'dataForHelper'; helper: number } & HelperDataset)
  /** `contestant`: the contestant's key, "adam" or "adam2". */
  | { type: 'runStatus'; runId: number; contestant: string; status: RunStatus; divergence?: DivergenceInfo }
  | { type: 'epoch'; runId: number; contestant: string; metrics: EpochMetrics }
  | { type: 'progress'; runId: number; progress: TrainingProgress }
  | { type: 'runFinished'; runId: number; outcome: TrainingOutcome }
  | { type: 'runFailed'; runId: number; message: string }
  | ({ type: 'evaluation'; runId: number; contestant: string } & ContestantEvaluation)
  | { type: 'evaluationFailed'; runId: number; contestant: string; message: string }
  /** Results in the run's lineup order (the client merges the workers' replies). */
  | { type: 'prediction'; runId: number; requestId: number; results: DigitPrediction[] }
  | { type: 'predictionFailed'; runId: number; requestId: number; message: string }
  /** New points of a sweep; `end` on the last message (the sweep reached 10, blew up, or was cancelled). */
  | { type: 'rateFinder'; requestId: number; points: RateFinderPoint[]; end?: RateFinderEnd }
  | { type: 'rateFinderFailed'; requestId: number; message: string }
  /**
   * tfjs's live tensors and whether a run is in progress: per worker, summed by the client;
   * also how each worker holding the dataset got it, and whether the page is cross-origin isolated.
   */
  | {
      type: 'memory';
      numTensors: number;
      numBytes: number;
      busy: boolean;
      workers: number;
      dataDelivery: DataDelivery[];
      crossOriginIsolated: boolean;
    };
