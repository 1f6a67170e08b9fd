import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { bestEffortConfig, draftFromConfig } from './experiment/draft';
import { parseResultsFile, resultsToJson } from './experiment/resultsFile';
import { decodeExperimentUrl, encodeExperimentUrl } from './experiment/urlState';
import { createPlaygroundStore } from './store/playgroundStore';
import { TrainingClient } from './store/trainingClient';
import { App } from './ui/App';
import { StoreProvider } from './ui/StoreContext';
import './ui/styles.css';

const LAST_RESULTS_KEY = 'optimizer-playground/last-results';
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
const store = createPlaygroundStore(
  {
    load: (backend) => client.load(dataUrl, backend),
    train: (runId, config) => client.train(runId, config),
    stop: (runId) => client.stop(runId),
    measureMemory: () => client.measureMemory(),
    loseWebglContext: () => client.loseWebglContext(),
  },
  { draft: draftFromConfig(shared.config), view: shared.view, linkNotices: shared.notices },
  { save: (results) => localStorage.setItem(LAST_RESULTS_KEY, resultsToJson(results)) },
);

// The last finished run survives a reload, marked as restored, until a new run starts.
try {
  const saved = localStorage.getItem(LAST_RESULTS_KEY);
  if (saved) {
    const parsed = parseResultsFile(saved, 'The saved results');
    if (parsed.ok) store.getState().showResults(parsed.results, 'restored');
    else localStorage.removeItem(LAST_RESULTS_KEY);
  }
} catch {
  /* storage disabled: nothing to restore */
}

/** Keeps the address bar equal to the experiment; replaceState, so edits do not flood Back. */
function syncUrl() {
  const { draft, view } = store.getState();
  const search = encodeExperimentUrl({ config: bestEffortConfig(draft), view });
  if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
}
syncUrl();
store.subscribe((state, previous) => {
  if (state.draft !== previous.draft || state.view !== previous.view) syncUrl();
});

store.getState().startLoading();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
