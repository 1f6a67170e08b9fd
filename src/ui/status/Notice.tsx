import { usePlayground } from '../StoreContext';

export function Notice() {
  const notice = usePlayground((s) => s.notice);
  const dismiss = usePlayground((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className="alert" role="alert">
      {notice}{' '}
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
