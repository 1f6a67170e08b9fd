import { createContext, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { PlaygroundState } from '../store/playgroundStore';

const StoreContext = createContext<StoreApi<PlaygroundState> | null>(null);

export function StoreProvider({ store, children }: { store: StoreApi<PlaygroundState>; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function usePlayground<T>(selector: (state: PlaygroundState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePlayground must be used inside <StoreProvider>.');
  return useStore(store, selector);
}
