/**
 * Registers the service worker that vite-plugin-pwa generates (vite.config.ts) and tells
 * the store what it reports: preparing, ready to work offline, failed, or a new version
 * waiting. Production builds only; `vite` dev has none (the plugin's dev module does nothing).
 */
import { registerSW } from 'virtual:pwa-register';
import type { StoreApi } from 'zustand/vanilla';
import type { PlaygroundState } from './store/playgroundStore';

/** Long sessions (a lecture, a tab left open for days) still hear of new versions. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerOfflineSupport(store: StoreApi<PlaygroundState>) {
  const { setOffline, updateAvailable } = store.getState();
  if (!import.meta.env.PROD) return;
  if (!('serviceWorker' in navigator)) {
    // Browsers offer service workers only to secure pages (https, or localhost).
    if (!window.isSecureContext) setOffline({ status: 'unavailable', reason: 'Offline use needs the app served over HTTPS.' });
    return;
  }
  setOffline({ status: 'preparing' });
  let registered: ServiceWorkerRegistration | undefined;
  const applyUpdate = registerSW({
    immediate: true,
    onOfflineReady: () => setOffline({ status: 'ready' }),
    onNeedRefresh: () =>
      updateAvailable(() => {
        // Applying sends the waiting worker SKIP_WAITING; workbox-window reloads the page once it controls it.
        // A page no worker controlled (the first visit) lets the new one activate without waiting: reload onto it.
        if (registered?.waiting) void applyUpdate(true);
        else window.location.reload();
      }),
    onRegisteredSW: (_url, registration) => {
      registered = registration;
      // A later visit: the worker that holds the app installed on an earlier one is active already.
      if (registration?.active) setOffline({ status: 'ready' });
      if (registration) setInterval(() => registration.update().catch(() => {}), UPDATE_CHECK_MS);
    },
    // Private windows, enterprise policies and test browsers may refuse service workers; the app works online.
    onRegisterError: (error: unknown) => {
      console.warn('Service worker registration failed:', error);
      setOffline({ status: 'failed', message: 'Not saved for offline use: this browser refused it, so the app needs the network on each visit.' });
    },
  });
}
