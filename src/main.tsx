import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { draftFromConfig, draftSearch } from './experiment/draft';
import { decodeExperimentUrl } from './experiment/urlState';
import { browserResultsStore, restoreBaseline, restoreSavedRun } from './store/persistence';
import { createPlaygroundStore } from './store/playgroundStore';
import { registerOfflineSupport } from './serviceWorker';
import { TrainingClient } from './store/trainingClient';
import { App } from './ui/App';
import { StoreProvider } from './ui/StoreContext';
import './ui/styles.css';

const dataUrl = new URL(`${import.meta.env.BASE_URL}data/mnist/`, document.baseURI).href;

/** `#workers=N` overrides the pool size, for benchmarks and comparisons; not part of the experiment. */
function workerOverride(): number | undefined {
  const requested = Number(new URLSearchParams(window.location.hash.slice(1)).get('workers'));
  return Number.isInteger(requested) && requested >= 1 && requested <= 8 ? requested : undefined;
}

const client = new TrainingClient(
  {
    onEvent: (event) => store.getState().handleEvent(event),
    onCrash: (message, restarted) => store.getState().handleCrash(message, restarted),
  },
  undefined,
  workerOverride(),
);
const shared = decodeExperimentUrl(window.location.search);
// A pinned baseline survives reloads and new runs until unpinned.
const pinned = restoreBaseline(localStorage);
const store = createPlaygroundStore(
  {
    load: (backend) => client.load(dataUrl, backend),
    train: (runId, config, pacing) => client.train(runId, config, pacing),
    pace: (runId, action, batchesPerSecond) => client.pace(runId, action, batchesPerSecond),
    stop: (runId) => client.stop(runId),
    evaluate: (runId, contestant) => client.evaluate(runId, contestant),
    predict: (runId, requestId, pixels) => client.predict(runId, requestId, pixels),
    landscape: (runId, requestId, contestants, slice) => client.landscape(runId, requestId, contestants, slice),
    cancelLandscape: (requestId) => client.cancelLandscape(requestId),
    findRate: (requestId, config, contestant) => client.findRate(requestId, config, contestant),
    cancelFindRate: (requestId) => client.cancelFindRate(requestId),
    measureMemory: () => client.measureMemory(),
    loseWebglContext: () => client.loseWebglContext(),
  },
  { draft: draftFromConfig(shared.config), view: shared.view, linkNotices: shared.notices, baseline: pinned.baseline, notice: pinned.notice },
  browserResultsStore(localStorage),
);

// The last finished run survives a reload, marked as restored, until a new run starts.
const saved = restoreSavedRun(localStorage);
if (saved.results) store.getState().showResults(saved.results, 'restored');
if (saved.notice) store.getState().showNotice(saved.notice);

/** Keeps the address bar equal to the experiment; replaceState, so edits do not flood Back. */
function syncUrl() {
  const { draft, view } = store.getState();
  const search = draftSearch(draft, view);
  if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
}
syncUrl();
store.subscribe((state, previous) => {
  if (state.draft !== previous.draft || state.view !== previous.view) syncUrl();
});

store.getState().startLoading();
registerOfflineSupport(store);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
