import { describe, expect, it } from 'vitest';
import { RunPacing } from './pacing';

/** A pacing on a fake clock whose sleeps advance the clock and resolve at once. */
function fakePacing(stopped = () => false) {
  let now = 0;
  const sleeps: number[] = [];
  const pacing = new RunPacing(
    stopped,
    () => now,
    async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  );
  return { pacing, sleeps, advance: (ms: number) => (now += ms) };
}

const settled = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('RunPacing', () => {
  it('lets every batch through at once at full speed, and asks for no extra reports', async () => {
    const { pacing, sleeps } = fakePacing();
    for (let i = 0; i < 5; i++) await pacing.next();
    expect(sleeps).toEqual([]);
    expect(pacing.paused()).toBe(false);
    expect(pacing.reportEveryBatch()).toBe(false);
  });

  it('holds a paused run until Step (one batch each) or Resume', async () => {
    const { pacing } = fakePacing();
    pacing.pause();
    expect(pacing.paused()).toBe(true);
    expect(pacing.reportEveryBatch()).toBe(true);
    const waiting = pacing.next();
    expect(await settled(waiting)).toBe(false);
    pacing.step();
    expect(await settled(waiting)).toBe(true);
    // One step is one batch: the next waits again.
    const again = pacing.next();
    expect(await settled(again)).toBe(false);
    pacing.step();
    pacing.step();
    expect(await settled(again)).toBe(true);
    expect(await settled(pacing.next())).toBe(true);
    const third = pacing.next();
    expect(await settled(third)).toBe(false);
    pacing.resume();
    expect(await settled(third)).toBe(true);
    expect(pacing.paused()).toBe(false);
    // Step means nothing while running.
    pacing.step();
    expect(await settled(pacing.next())).toBe(true);
  });

  it('spaces batches by the speed, and a new speed applies at once', async () => {
    const { pacing, sleeps, advance } = fakePacing();
    pacing.setSpeed(2);
    expect(pacing.reportEveryBatch()).toBe(true);
    await pacing.next();
    advance(100);
    await pacing.next();
    expect(sleeps).toEqual([400]);
    pacing.setSpeed(null);
    await pacing.next();
    expect(sleeps).toEqual([400]);
    // Kept within 1 to 100 batches per second.
    pacing.setSpeed(0.001);
    await pacing.next();
    expect(sleeps.at(-1)).toBe(1000);
    pacing.setSpeed(1e6);
    await pacing.next();
    expect(sleeps.at(-1)).toBe(10);
  });

  it('lets a stopped run go at once, even while paused', async () => {
    let stopped = false;
    const { pacing } = fakePacing(() => stopped);
    pacing.pause();
    const waiting = pacing.next();
    expect(await settled(waiting)).toBe(false);
    stopped = true;
    pacing.wakeUp();
    expect(await settled(waiting)).toBe(true);
  });
});
