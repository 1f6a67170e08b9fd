import { useRef, type KeyboardEvent } from 'react';
import { PAGE_PARAMETER, type Page } from '../../experiment/lab';
import { usePlayground } from '../StoreContext';

export const PAGE_PANEL_ID = 'page-panel';
const tabId = (page: Page) => `page-tab-${page}`;

/**
 * The page's two views as tabs (WAI-ARIA tabs: arrow keys, Home and End move between
 * them, and activate, as they are only two). The view is in the link (`view=lab`).
 */
export function PageTabs() {
  const page = usePlayground((s) => s.view.page);
  const setView = usePlayground((s) => s.setView);
  const list = useRef<HTMLDivElement>(null);
  const pages = PAGE_PARAMETER.options.map((o) => o.value);
  const choose = (next: Page) => {
    setView({ page: next });
    list.current?.querySelector<HTMLButtonElement>(`#${tabId(next)}`)?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const index = pages.indexOf(page);
    const next =
      event.key === 'ArrowRight' ? pages[(index + 1) % pages.length]
      : event.key === 'ArrowLeft' ? pages[(index + pages.length - 1) % pages.length]
      : event.key === 'Home' ? pages[0]
      : event.key === 'End' ? pages[pages.length - 1]
      : undefined;
    if (next) {
      event.preventDefault();
      choose(next);
    }
  };
  return (
    <div className="page-tabs" role="tablist" aria-label="View" ref={list} onKeyDown={onKeyDown}>
      {PAGE_PARAMETER.options.map((option) => (
        <button
          key={option.value}
          id={tabId(option.value)}
          type="button"
          role="tab"
          aria-selected={page === option.value}
          aria-controls={page === option.value ? PAGE_PANEL_ID : undefined}
          tabIndex={page === option.value ? 0 : -1}
          className="page-tabs__tab"
          onClick={() => choose(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

export const pageTabId = tabId;
