import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../experiment/config';
import { buildResults } from '../experiment/resultsFile';
import type { WorkerEvent } from '../train/protocol';
import { createPlaygroundStore, updateOffer, type TrainingPort } from './playgroundStore';

const port: TrainingPort = { load() {}, train() {}, stop() {} };
const READY: WorkerEvent = { type: 'dataReady', trainCount: 60_000, testCount: 10_000, seconds: 1 };

describe('updateOffer: offer a new version, never force it mid-run', () => {
  it('offers nothing while no new version waits', () => {
    expect(updateOffer(false, undefined)).toEqual({ kind: 'none' });
    expect(updateOffer(false, { phase: 'running', source: 'live' })).toEqual({ kind: 'none' });
  });

  it('only announces it while a run is going or stopping', () => {
    expect(updateOffer(true, { phase: 'running', source: 'live' })).toEqual({ kind: 'after-run' });
    expect(updateOffer(true, { phase: 'stopping', source: 'live' })).toEqual({ kind: 'after-run' });
  });

  it('offers it with no run, or once the run has ended', () => {
    expect(updateOffer(true, undefined)).toEqual({ kind: 'offer' });
    expect(updateOffer(true, { phase: 'finished', source: 'live' })).toEqual({ kind: 'offer' });
    expect(updateOffer(true, { phase: 'failed', source: 'live' })).toEqual({ kind: 'offer' });
    expect(updateOffer(true, { phase: 'finished', source: 'restored' })).toEqual({ kind: 'offer' });
  });

  it('names an opened results file, which a reload does not bring back', () => {
    expect(updateOffer(true, { phase: 'finished', source: 'imported', sourceName: 'monday.json' })).toEqual({ kind: 'offer', reopen: 'monday.json' });
  });
});

describe('the store applies a waiting version only with the user’s agreement and no run going', () => {
  function setup() {
    const store = createPlaygroundStore(port);
    let applied = 0;
    store.getState().handleEvent(READY);
    return { store, applied: () => applied, announce: () => store.getState().updateAvailable(() => applied++) };
  }

  it('does nothing until the user applies it, then applies it once asked', () => {
    const { store, applied, announce } = setup();
    announce();
    expect(store.getState().updateWaiting).toBe(true);
    expect(applied()).toBe(0);
    store.getState().applyUpdate();
    expect(applied()).toBe(1);
  });

  it('refuses to apply it while a run is going, and applies it after the run has ended', () => {
    const { store, applied, announce } = setup();
    store.getState().train();
    expect(store.getState().run?.phase).toBe('running');
    announce();
    store.getState().applyUpdate();
    expect(applied()).toBe(0);
    store.getState().handleEvent({ type: 'runFinished', runId: store.getState().run!.id, outcome: 'done' });
    expect(store.getState().run?.phase).toBe('finished');
    store.getState().applyUpdate();
    expect(applied()).toBe(1);
  });

  it('applies nothing when no new version waits', () => {
    const { store, applied } = setup();
    store.getState().applyUpdate();
    expect(applied()).toBe(0);
    expect(store.getState().updateWaiting).toBe(false);
  });

  it('keeps what the service worker says about offline use', () => {
    const { store } = setup();
    expect(store.getState().offline).toEqual({ status: 'unavailable' });
    store.getState().setOffline({ status: 'ready' });
    expect(store.getState().offline).toEqual({ status: 'ready' });
    // An opened file does not disturb it.
    store.getState().showResults(buildResults(defaultExperiment(), null, []), 'imported', 'x.json');
    expect(store.getState().offline).toEqual({ status: 'ready' });
  });
});
