/**
 * Pause, step and speed for a demonstration: the trainer asks before every batch
 * whether it may run. Pausing between batches keeps every weight and optimizer slot
 * where it is, and the batches come from the seed, so a paused and resumed run trains
 * exactly as an uninterrupted one.
 */

/** What the trainer asks of its pacing (absent: full speed, never paused). */
export interface Pacing {
  /** Paused now: the trainer reports what it has before it waits. */
  paused(): boolean;
  /** Resolves when the next batch may start: at once at full speed; after Step or Resume when paused; after the speed's interval when slowed; at once when stopped. */
  next(): Promise<void>;
  /** Slowed or stepping: read back and report after every batch, so each one shows. */
  reportEveryBatch(): boolean;
}

/** The slowest demonstration speed, and the fastest that is still a speed limit. */
export const MIN_BATCHES_PER_SECOND = 1;
export const MAX_BATCHES_PER_SECOND = 100;

export class RunPacing implements Pacing {
  private pausedNow = false;
  private stepsAllowed = 0;
  private batchesPerSecond: number | null = null;
  private lastBatchAt = -Infinity;
  private wake: (() => void) | undefined;

  constructor(
    private readonly stopped: () => boolean,
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number, wake: (resume: () => void) => void) => Promise<void> = (ms, wake) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  ) {}

  pause() {
    this.pausedNow = true;
  }

  resume() {
    this.pausedNow = false;
    this.stepsAllowed = 0;
    this.wakeUp();
  }

  /** One more batch while paused. */
  step() {
    if (!this.pausedNow) return;
    this.stepsAllowed += 1;
    this.wakeUp();
  }

  /** null: full speed. */
  setSpeed(batchesPerSecond: number | null) {
    this.batchesPerSecond = batchesPerSecond === null ? null : Math.min(MAX_BATCHES_PER_SECOND, Math.max(MIN_BATCHES_PER_SECOND, batchesPerSecond));
    this.wakeUp();
  }

  /** Stop wakes a waiting trainer, which then sees stopRequested(). */
  wakeUp() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  paused(): boolean {
    return this.pausedNow && this.stepsAllowed === 0;
  }

  reportEveryBatch(): boolean {
    return this.pausedNow || this.batchesPerSecond !== null;
  }

  async next(): Promise<void> {
    for (;;) {
      if (this.stopped()) return;
      if (this.pausedNow) {
        if (this.stepsAllowed > 0) {
          this.stepsAllowed -= 1;
          this.lastBatchAt = this.clock();
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (this.batchesPerSecond !== null) {
        const wait = this.lastBatchAt + 1000 / this.batchesPerSecond - this.clock();
        if (wait > 0) {
          await this.sleep(wait, (resume) => (this.wake = resume));
          continue;
        }
      }
      this.lastBatchAt = this.clock();
      return;
    }
  }
}
