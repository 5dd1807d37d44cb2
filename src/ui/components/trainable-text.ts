// Trainable parameters in plain words: a method's count beside full fine-tuning's on the same base
// (every weight), as a ratio, so "LoRA r=64 trains 1.35× the parameters of full fine-tuning" reads
// as what it is. Computed from the run's own counts (MethodInfo), never typed.
import type { MethodInfo } from '../../experiment/protocol';

type Counts = Pick<MethodInfo, 'kind' | 'label' | 'trainableParams' | 'totalParams'>;

/** Full fine-tuning's count on this base: every weight (a LoRA method's total counts its adapters on top). */
export function fullCount(m: Counts): number {
  return m.kind === 'lora' ? m.totalParams - m.trainableParams : m.totalParams;
}

/** The ratio as people say it: "1.35×", "0.094×", "0.0012×" (two or three significant digits). */
export function ratioText(r: number): string {
  if (!Number.isFinite(r) || r <= 0) return '0×';
  return `${r >= 1 ? Number(r.toPrecision(3)) : Number(r.toPrecision(2))}×`;
}

/** The table cell (its header says "× full fine-tuning’s"): "115,008 (all weights)" or "8,192 (0.071×)". */
export function trainableCell(m: Counts): string {
  const n = m.trainableParams.toLocaleString('en-US');
  const full = fullCount(m);
  if (m.kind === 'full' || full <= 0) return `${n} (all weights)`;
  return `${n} (${ratioText(m.trainableParams / full)})`;
}

/** One sentence for the table's note, for the LoRA methods on screen; '' when there are none. */
export function trainableSentence(methods: readonly Counts[]): string {
  const lora = methods.filter((m) => m.kind === 'lora' && fullCount(m) > 0);
  if (!lora.length) return '';
  const full = fullCount(lora[0]);
  const parts = lora.map((m) => `${m.label} ${ratioText(m.trainableParams / full)}`);
  const over = lora.filter((m) => m.trainableParams > full).map((m) => m.label);
  const tail = over.length
    ? ` At this width ${over.join(' and ')} train${over.length === 1 ? 's' : ''} more parameters than full fine-tuning: ` +
      'a rank-r adapter holds r·(in + out) numbers, more than the in·out of the matrix it adapts once r is this large.'
    : '';
  return `Trainable parameters as a multiple of full fine-tuning’s ${full.toLocaleString('en-US')} (every weight of the base): ${parts.join(', ')}.${tail}`;
}
