// A message above the charts for each method of the run on screen that diverged: where, with what
// loss, that only it stopped, and what the paper says about learning-rate sensitivity (finding 7),
// worded from which method it was (run/divergence.ts), so it never blames LoRA for full fine-tuning.
import { useShallow } from 'zustand/react/shallow';
import { useExperiment } from '../../store/experiment';
import { divergenceMessage } from './divergence';

export function DivergenceNote() {
  const s = useExperiment(useShallow((x) => ({ methods: x.methods, config: x.config, diverged: x.diverged, lastStep: x.lastStep, state: x.state })));
  const gone = s.methods.filter((m) => s.diverged[m.id] !== undefined);
  if (gone.length === 0) return null;
  const others = s.methods.filter((m) => s.diverged[m.id] === undefined).map((m) => m.label);
  return (
    <div role="alert" className="ll-alert" data-testid="divergence-note" style={{ gridColumn: '1 / -1' }}>
      {gone.map((m) => {
        const lr = s.config?.methods.find((c) => c.id === m.id)?.lr;
        const last = s.lastStep[m.id];
        const text = divergenceMessage(
          { label: m.label, kind: m.kind, lr, step: s.diverged[m.id], last },
          others, s.state === 'done',
        );
        return (
          <p key={m.id} data-testid={`diverged-${m.id}`}>
            <b>{text[0]}</b> {text.slice(1).join(' ')}
          </p>
        );
      })}
    </div>
  );
}
