import { useMemo, useState } from 'react';
import { Charts } from './charts/Charts';
import type { ExperimentConfig } from '../experiment/config';
import { resolveDraft } from '../experiment/draft';
import { EvaluationPanel } from './evaluation/EvaluationPanel';
import { InsidePanel } from './inside/InsidePanel';
import { LandscapePanel } from './landscape/LandscapePanel';
import { PresentationHint, PresentationToggle, SettingsSummary, ShortcutSettings, usePresentationKeys, usePresentationLayout } from './presentation/Presentation';
import { ResultsTable } from './results/ResultsTable';
import { ContestantList } from './settings/ContestantList';
import { NetworkSettings } from './settings/NetworkSettings';
import { TrainingSettings } from './settings/TrainingSettings';
import { BackendBadge, BackendChooser } from './status/BackendControls';
import { DataStatus } from './status/DataStatus';
import { Diagnostics } from './status/Diagnostics';
import { Notice } from './status/Notice';
import { OfflineStatus, UpdateOffer } from './status/OfflineStatus';
import { PacingControls } from './status/PacingControls';
import { TrainingProgressBar } from './status/TrainingProgressBar';
import { CopyLinkButton, ExportScriptButtons, LinkNotices, OpenResultsButton, ResultsDropZone } from './status/ShareControls';
import { isTraining } from '../store/playgroundStore';
import { usePlayground } from './StoreContext';
import { LabView } from './lab/LabView';
import { PAGE_PANEL_ID, PageTabs, pageTabId } from './lab/PageTabs';
import { InstructorGate, useControlAccess } from './instructor/InstructorGate';
import { InstructorPanel } from './instructor/InstructorPanel';
import { StartOverlay } from './instructor/StartOverlay';
import { LessonPanel } from './lessons/LessonPanel';
import { LessonsMenu } from './lessons/LessonsMenu';

function TrainControls({ canTrain, blockedBecause, config }: { canTrain: boolean; blockedBecause?: string; config: ExperimentConfig | null }) {
  const train = usePlayground((s) => s.train);
  const stop = usePlayground((s) => s.stop);
  const running = usePlayground((s) => s.run?.phase === 'running');
  return (
    <div className="train-controls">
      <InstructorGate control="train">
        <button type="button" className="primary" onClick={train} disabled={!canTrain}>
          Train
        </button>
        <button type="button" onClick={stop} disabled={!running}>
          Stop
        </button>
      </InstructorGate>
      <InstructorGate control="pacing">
        <PacingControls />
      </InstructorGate>
      {blockedBecause && <span className="train-controls__why">{blockedBecause}</span>}
      <InstructorGate control="share">
        <CopyLinkButton />
        <OpenResultsButton />
        <ExportScriptButtons config={config} />
      </InstructorGate>
    </div>
  );
}

export function App() {
  const draft = usePlayground((s) => s.draft);
  const dataStatus = usePlayground((s) => s.data.status);
  const busy = usePlayground((s) => isTraining(s.run));
  // With the lab's tabs hidden, a link that opens the lab shows the training page.
  const labAccess = useControlAccess('lab');
  const page = usePlayground((s) => (labAccess === 'hidden' ? 'training' : s.view.page));
  const trainAccess = useControlAccess('train');
  const resolution = useMemo(() => resolveDraft(draft), [draft]);
  const blockedBecause = busy
    ? 'Edits apply to the next run.'
    : dataStatus !== 'ready'
      ? dataStatus === 'error'
        ? 'The dataset is not available.'
        : 'Waiting for the dataset…'
      : resolution.general[0] ?? (resolution.config ? undefined : 'Fix the highlighted fields to train.');
  const canTrain = !busy && dataStatus === 'ready' && resolution.config !== null;
  const present = usePlayground((s) => s.view.present);
  const [settingsShown, setSettingsShown] = useState(false);
  // Space trains only where Train is shown and not locked.
  const presentationAccess = useControlAccess('presentation');
  const shareAccess = useControlAccess('share');
  usePresentationKeys(canTrain, { trainStop: trainAccess === 'shown', toggle: presentationAccess === 'shown' });
  usePresentationLayout(present);

  return (
    <div className={present ? `app app--present${settingsShown ? ' app--settings-shown' : ''}` : 'app'}>
      <header className="app__header">
        <h1>Optimizer Playground</h1>
        <p className="tagline">One network, real MNIST, several optimizers side by side — in your browser.</p>
        <InstructorGate control="lessons">
          <LessonsMenu />
        </InstructorGate>
        <InstructorGate control="backend">
          <BackendChooser />
        </InstructorGate>
        <InstructorGate control="presentation">
          <PresentationToggle />
        </InstructorGate>
        <InstructorGate control="instructor">
          <InstructorPanel />
        </InstructorGate>
        <PresentationHint />
        <BackendBadge />
        <OfflineStatus />
      </header>
      <UpdateOffer />
      {shareAccess === 'shown' && <ResultsDropZone />}
      <LinkNotices />
      {/* The overlay trains even where the link hides or locks Train: it is the instructor's own way in. */}
      <StartOverlay canTrain={canTrain} />
      <LessonPanel />
      <InstructorGate control="lab">
        <PageTabs />
      </InstructorGate>
      <div id={PAGE_PANEL_ID} role="tabpanel" aria-labelledby={pageTabId(page)}>
      {page === 'lab' ? (
        <main className="app__main app__main--lab">
          <LabView />
        </main>
      ) : (
      <main className="app__main">
        <aside className="settings" aria-label="Experiment settings">
          {present && <SettingsSummary shown={settingsShown} onToggle={setSettingsShown} />}
          <InstructorGate control="training">
            <TrainingSettings errors={resolution.errors} />
          </InstructorGate>
          <InstructorGate control="network">
            <NetworkSettings errors={resolution.errors} network={resolution.network ?? undefined} />
          </InstructorGate>
          <ContestantList errors={resolution.errors} />
        </aside>
        <section className="workspace" aria-label="Training">
          <div className="panel run-panel">
            <TrainControls canTrain={canTrain} blockedBecause={blockedBecause} config={resolution.config} />
            <DataStatus />
            <TrainingProgressBar />
            <Notice />
          </div>
          <Charts />
          <ResultsTable />
          <InstructorGate control="inside">
            <InsidePanel />
          </InstructorGate>
          <InstructorGate control="evaluation">
            <EvaluationPanel />
            <LandscapePanel />
          </InstructorGate>
        </section>
      </main>
      )}
      </div>
      <footer className="app__footer">
        Flatten 784 → Dense hidden layers → Dense 10 softmax, categorical cross-entropy; Glorot-uniform initial weights, zero
        biases. Update rules as Keras 3 defines them.
        <ShortcutSettings />
        <InstructorGate control="diagnostics">
          <Diagnostics />
        </InstructorGate>
      </footer>
    </div>
  );
}
