// Says when results are not being kept: storage unavailable (private browsing, blocked, another
// tab's newer version) or full. The words come from the Worker, which knows what failed and how
// much is stored; the banner goes once storage takes writes again.
import { useExperiment } from '../store/experiment';

export function StorageBanner() {
  const storage = useExperiment((s) => s.storage);
  if (storage.ok) return null;
  return (
    <div role="alert" data-testid="storage-problem" className="ll-alert">
      <p>{storage.message}</p>
    </div>
  );
}
