// Per-method run status: step reached, speed, trainable parameters (LoRA trains a small
// fraction), memory for weights, gradients and optimizer state, and divergence.
import type { MethodInfo, StepPoint } from '../../../experiment/protocol';
import { methodColor } from './colors';

const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
function share(m: MethodInfo): string {
  if (m.totalParams <= 0) return '';
  const pct = (100 * m.trainableParams) / m.totalParams;
  return ` (${pct >= 99.95 ? '100' : pct >= 10 ? pct.toFixed(0) : pct.toPrecision(2)}%)`;
}

interface Props {
  methods: MethodInfo[];
  lastStep: Record<string, StepPoint>;
  diverged: Record<string, number>;
}

export function StatusTable({ methods, lastStep, diverged }: Props) {
  return (
    <table className="ll-table">
      <caption style={{ textAlign: 'left', fontWeight: 650 }}>Methods in this run</caption>
      <thead>
        <tr><th scope="col">Method</th><th scope="col">Step</th><th scope="col">Tokens/s</th><th scope="col">Trainable params</th><th scope="col">Weights / grads / optimizer</th><th scope="col">Status</th></tr>
      </thead>
      <tbody>
        {methods.map((m, i) => (
          <tr key={m.id} data-method={m.id}>
            <th scope="row">
              <span className="ll-swatch" style={{ background: methodColor(i) }} aria-hidden="true" />
              {m.label}
            </th>
            <td>{lastStep[m.id]?.step ?? 0}</td>
            <td>{lastStep[m.id]?.tokensPerSecond.toFixed(0) ?? '–'}</td>
            <td>{m.trainableParams.toLocaleString('en-US')}{share(m)}</td>
            <td>{kib(m.memory.weightBytes)} / {kib(m.memory.gradientBytes)} / {kib(m.memory.optimizerBytes)}</td>
            <td>{diverged[m.id] ? `diverged at step ${diverged[m.id]}` : 'ok'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
