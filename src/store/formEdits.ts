/** The store's form edits: the draft (settings, contestants) and the chart view options. */
import {
  addContestant,
  fieldKey,
  removeContestant,
  resetContestant,
  setContestantSelected,
} from '../experiment/draft';
import type { OptimizerId } from '../experiment/optimizers';
import { toggleHidden, type ViewOptions } from '../experiment/view';
import type { PlaygroundState, StoreSet } from './playgroundStore';

export interface FormEdits {
  /** `contestant`: its key ("adam2"), or null for a shared setting. */
  setText(contestant: string | null, key: string, text: string): void;
  setFlag(contestant: string, key: string, value: boolean): void;
  setChoice(key: string, value: string): void;
  setSelected(contestant: string, selected: boolean): void;
  addContestant(optimizer: OptimizerId): void;
  removeContestant(contestant: string): void;
  resetContestant(contestant: string): void;
  /** Changes chart options; a new X axis drops the zoom, whose range was in the old axis's units. */
  setView(change: Partial<ViewOptions>): void;
  /** A legend click: hides the contestant in every chart, or shows it again. */
  toggleHidden(contestant: string): void;
  dismissLinkNotices(): void;
}

export function createFormEdits(set: StoreSet): FormEdits {
  const editDraft = (change: (draft: PlaygroundState['draft']) => PlaygroundState['draft']) => set(({ draft }) => ({ draft: change(draft) }));
  return {
    setText: (contestant, key, text) => editDraft((draft) => ({ ...draft, text: { ...draft.text, [fieldKey(contestant, key)]: text } })),
    setFlag: (contestant, key, value) => editDraft((draft) => ({ ...draft, flags: { ...draft.flags, [fieldKey(contestant, key)]: value } })),
    setChoice: (key, value) => editDraft((draft) => ({ ...draft, choices: { ...draft.choices, [key]: value } })),
    setSelected: (contestant, selected) => editDraft((draft) => setContestantSelected(draft, contestant, selected)),
    addContestant: (optimizer) => editDraft((draft) => addContestant(draft, optimizer)),
    removeContestant: (contestant) => editDraft((draft) => removeContestant(draft, contestant)),
    resetContestant: (contestant) => editDraft((draft) => resetContestant(draft, contestant)),
    setView: (change) =>
      set(({ view }) => ({ view: { ...view, ...(change.xAxis && change.xAxis !== view.xAxis && !('zoom' in change) ? { zoom: null } : {}), ...change } })),
    toggleHidden: (contestant) => set(({ view }) => ({ view: { ...view, hidden: toggleHidden(view.hidden, contestant) } })),
    dismissLinkNotices: () => set({ linkNotices: [] }),
  };
}
