import { useEffect, useRef, useState } from 'react';
import type { ExperimentConfig } from '../../experiment/config';
import { exportScript, SCRIPT_ENGINE_LABELS, SCRIPT_ENGINES, scriptFileName } from '../../experiment/exportScripts';
import { MAX_RESULTS_BYTES, parseResultsFile } from '../../experiment/resultsFile';
import { encodeExperimentUrl } from '../../experiment/urlState';
import { downloadText, exportBaseName } from '../download';
import { usePlayground } from '../StoreContext';

type CopyState = { kind: 'idle' } | { kind: 'copied' } | { kind: 'manual'; link: string };

interface CopyLinkProps {
  label?: string;
  /** The link to copy, read at the click: by default the page's own. */
  link?(): string;
  /** Said once copied. */
  copied?: string;
}

/** Copies a link (the current one by default); where the Clipboard API is missing (plain http), shows it to copy by hand. */
export function CopyLinkButton({ label = 'Copy link', link: linkToCopy = () => window.location.href, copied = 'Link copied — anyone who opens it gets this experiment.' }: CopyLinkProps) {
  const [state, setState] = useState<CopyState>({ kind: 'idle' });
  const manualRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (state.kind === 'copied') {
      const timer = setTimeout(() => setState({ kind: 'idle' }), 4000);
      return () => clearTimeout(timer);
    }
    if (state.kind === 'manual') manualRef.current?.select();
  }, [state]);
  const copy = async () => {
    const link = linkToCopy();
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      setState({ kind: 'copied' });
    } catch {
      setState({ kind: 'manual', link });
    }
  };
  return (
    <span className="copy-link">
      <button type="button" onClick={copy}>
        {label}
      </button>
      <span role="status" className="copy-link__status">
        {state.kind === 'copied' && copied}
      </span>
      {state.kind === 'manual' && (
        <label className="copy-link__manual">
          Copy this link:
          <input ref={manualRef} readOnly value={state.link} onFocus={(e) => e.target.select()} />
        </label>
      )}
    </span>
  );
}

/**
 * `Export as Keras script`, `Export as PyTorch script`: the experiment set in the form (the
 * page's link) as a runnable Python file that writes a results file this page opens.
 */
export function ExportScriptButtons({ config }: { config: ExperimentConfig | null }) {
  const view = usePlayground((s) => s.view);
  const save = (engine: (typeof SCRIPT_ENGINES)[number]) => {
    if (!config) return;
    const link = new URL(`${window.location.pathname}${encodeExperimentUrl({ config, view })}`, window.location.origin).href;
    downloadText(scriptFileName(exportBaseName(), engine), exportScript(engine, config, link), 'text/x-python');
  };
  return (
    <span className="script-export">
      {SCRIPT_ENGINES.map((engine) => (
        <button key={engine} type="button" onClick={() => save(engine)} disabled={!config} title="A Python file that trains this experiment outside the browser and writes a results file this page opens">
          Export as {SCRIPT_ENGINE_LABELS[engine]} script
        </button>
      ))}
    </span>
  );
}

export function LinkNotices() {
  const notices = usePlayground((s) => s.linkNotices);
  const dismiss = usePlayground((s) => s.dismissLinkNotices);
  if (!notices.length) return null;
  return (
    <div className="notice" role="status" aria-label="Link corrections">
      <strong>Some settings in this link could not be used:</strong>
      <ul>
        {notices.map((notice, i) => (
          <li key={i}>{notice}</li>
        ))}
      </ul>
      <button type="button" onClick={dismiss}>
        OK
      </button>
    </div>
  );
}

/** Reads a results file chosen or dropped by the user; a bad file changes nothing. */
export function useOpenResults() {
  const showResults = usePlayground((s) => s.showResults);
  const showNotice = usePlayground((s) => s.showNotice);
  return async (file: File) => {
    if (file.size > MAX_RESULTS_BYTES) {
      showNotice(`${file.name} is too large to be a results file. Nothing was changed.`);
      return;
    }
    const outcome = parseResultsFile(await file.text(), file.name);
    if (outcome.ok) showResults(outcome.results, 'imported', file.name);
    else showNotice(outcome.message);
  };
}

export function OpenResultsButton() {
  const inputRef = useRef<HTMLInputElement>(null);
  const open = useOpenResults();
  return (
    <>
      <button type="button" className="open-results" onClick={() => inputRef.current?.click()}>
        Open results…
      </button>
      <input
        ref={inputRef}
        type="file"
        accept=".json,application/json"
        aria-label="Results file to open"
        className="visually-hidden"
        tabIndex={-1}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void open(file);
        }}
      />
    </>
  );
}

/** Lets an instructor drop an exported JSON anywhere on the page. */
export function ResultsDropZone() {
  const [dragging, setDragging] = useState(false);
  const open = useOpenResults();
  useEffect(() => {
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      const file = event.dataTransfer?.files[0];
      if (file) void open(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [open]);
  return dragging ? <div className="drop-hint">Drop a results file to open it</div> : null;
}
