import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createPlaygroundStore } from './store/playgroundStore';
import { TrainingClient } from './store/trainingClient';
import { App } from './ui/App';
import { StoreProvider } from './ui/StoreContext';
import './ui/styles.css';

const dataUrl = new URL(`${import.meta.env.BASE_URL}data/mnist/`, document.baseURI).href;

const client = new TrainingClient({
  onEvent: (event) => store.getState().handleEvent(event),
  onCrash: (message) => store.getState().handleCrash(message),
});
const store = createPlaygroundStore({
  load: () => client.load(dataUrl),
  train: (runId, config) => client.train(runId, config),
  stop: (runId) => client.stop(runId),
});
store.getState().startLoading();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
