// Findings 5 (diversity of generations) and 6 (rank of the weight change), read from the optional
// measurements a run's evaluations carry (EvalPoint.diversity, EvalPoint.rank90). Each needs its
// measurement switched on; without it the claim says what to turn on.

import { claim, list, num, pct, relation, type Claim, type Relation, type Verdict } from './claims-text';
import { pickRef, type Series, type SeriesEval, type Stat } from './claims-findings';

const withNote = (text: string, note: string) => (note ? `${text} ${note}` : text);

const lastWith = (s: Series, has: (e: SeriesEval) => boolean) => [...s.evals].reverse().find((e) => e.step > 0 && has(e)) ?? null;

type DivKey = 'distinctShare' | 'distinct2' | 'entropy';
const MEASURES: ReadonlyArray<{ key: DivKey; name: string; tol: number; show: (x: number) => string }> = [
  // distinctShare moves in steps of 1/N: any difference is a real one.
  { key: 'distinctShare', name: 'distinct completions', tol: 1e-9, show: pct },
  // A few samples of a few bytes: differences this small are sampling noise, not a verdict.
  { key: 'distinct2', name: 'distinct-2 (word bigrams)', tol: 0.03, show: (x) => num(x) },
  { key: 'entropy', name: 'mean per-byte entropy (nats)', tol: 0.05, show: (x) => num(x) },
];

/** How one LoRA's diversity compares with full fine-tuning's over all measures: 'more' = more diverse. */
function overall(rels: readonly Relation[]): Relation | 'mixed' {
  const more = rels.includes('more');
  const less = rels.includes('less');
  if (more && less) return 'mixed';
  return more ? 'more' : less ? 'less' : 'same';
}

/** Finding 5: diversity of sampled completions at the last evaluation that measured it. */
export function diversityClaim(stats: readonly Stat[], series: readonly Series[], note: string): Claim {
  const has = (e: SeriesEval) => e.diversity !== undefined;
  const measured = stats.filter((x) => lastWith(x.s, has));
  const ref = pickRef(measured.filter((x) => x.s.kind === 'full'));
  const loras = measured.filter((x) => x.s.kind === 'lora');
  if (!ref || loras.length === 0) {
    const why = series.some((s) => s.evals.some(has))
      ? 'needs diversity measured for both a full fine-tuning and a LoRA method.'
      : 'turn on diversity sampling (samples > 0) to sample completions at every evaluation.';
    return claim(5, withNote(`Not measured: ${why}`, note), 'not-measured');
  }
  const base = series.flatMap((s) => s.evals).find((e) => e.step === 0 && e.diversity)?.diversity;
  const rows = [ref, ...loras].map((x) => ({ label: x.s.label, e: lastWith(x.s, has)! }));
  const steps = new Set(rows.map((r) => r.e.step));
  const at = steps.size === 1 ? `at step ${rows[0].e.step}` : `at each method's last evaluation (${list(rows.map((r) => `step ${r.e.step} for ${r.label}`))})`;
  const lines = MEASURES.map((m) => {
    const vals = [...(base ? [`base ${m.show(base[m.key])}`] : []), ...rows.map((r) => `${r.label} ${m.show(r.e.diversity![m.key])}`)];
    return `${m.name}: ${vals.join(', ')}`;
  });
  const refDiv = rows[0].e.diversity!;
  const results = rows.slice(1).map((r) => ({
    label: r.label,
    rel: overall(MEASURES.map((m) => relation(r.e.diversity![m.key], refDiv[m.key], m.tol))),
  }));
  const words = { more: 'was more diverse than', less: 'was less diverse than', same: 'was about as diverse as', mixed: 'was more diverse on some measures and less on others than' };
  const verdicts = results.map((r) => r.rel);
  const summary = (['more', 'less', 'same', 'mixed'] as const)
    .map((k) => ({ k, names: results.filter((r) => r.rel === k).map((r) => r.label) }))
    .filter((g) => g.names.length)
    .map((g) => `${list(g.names)} ${words[g.k]} ${ref.s.label}`)
    .join('; ');
  const verdict: Verdict = verdicts.every((v) => v === 'more') ? 'agrees' : verdicts.every((v) => v === 'less') ? 'disagrees' : 'mixed';
  return claim(5, withNote(`Diversity of sampled completions ${at}: ${lines.join('; ')}. ${summary}.`, note), verdict);
}

/** Finding 6: rank needed for 90% of the weight change's energy, full fine-tuning against the LoRA ranks. */
export function rankClaim(stats: readonly Stat[], series: readonly Series[], note: string): Claim {
  const has = (e: SeriesEval) => e.rank90 !== undefined && Number.isFinite(e.rank90.all);
  const ref = pickRef(stats.filter((x) => x.s.kind === 'full' && lastWith(x.s, has)));
  if (!ref) {
    const why = series.some((s) => s.evals.some(has))
      ? 'needs the weight-change rank of a full fine-tuning method.'
      : 'needs the weight-change spectra at each evaluation (rank@90%); open the spectra of a finished run instead.';
    return claim(6, withNote(`Not measured: ${why}`, note), 'not-measured');
  }
  const evs = ref.s.evals.filter((e) => e.step > 0 && has(e));
  const first = evs[0].rank90!;
  const last = evs[evs.length - 1].rank90!;
  const loras = stats.filter((x) => x.s.kind === 'lora' && x.s.rank !== undefined);
  // Compare with what each LoRA's update measured, not its nominal r: at this width a large r
  // (e.g. 64 when d_model is 64) is not low-rank at all, and its update uses fewer directions than r.
  const measured = loras.flatMap((x) => { const e = lastWith(x.s, has); return e ? [{ label: x.s.label, r: x.s.rank!, v: e.rank90!.all }] : []; });
  const maxM = measured.length ? Math.max(...measured.map((m) => m.v)) : null;
  const parts = [`At step ${evs[evs.length - 1].step}, ${ref.s.label}'s weight change needs rank ${num(last.all, 1)} for 90% of its energy (mean over matrices; attention ${num(last.attention, 1)}, MLP ${num(last.mlp, 1)})`];
  // Means of integer ranks: half a rank is the smallest difference worth a word.
  const high = maxM === null ? null : relation(last.all, maxM, 0.5);
  if (maxM !== null) {
    const word = high === 'more' ? 'more than' : high === 'same' ? 'about as much as' : 'less than';
    parts[0] += `, ${word} any LoRA update here (${list(measured.map((m) => `${m.label} ${num(m.v, 1)}`))}; a LoRA update has rank at most r).`;
  } else parts[0] += '. No LoRA method to compare with.';
  const grew = evs.length >= 2 ? relation(last.all, first.all, 0.5) : null;
  if (grew) parts.push(`From step ${evs[0].step} it ${grew === 'more' ? 'grew' : grew === 'less' ? 'shrank' : 'stayed about the same'} (from ${num(first.all, 1)}).`);
  const mlp = relation(last.mlp, last.attention, 0.5);
  parts.push(`MLP matrices needed ${mlp === 'more' ? 'more than' : mlp === 'less' ? 'less than' : 'about as much as'} attention matrices.`);
  const checks = [high, grew, mlp].filter((r): r is Relation => r !== null);
  const verdict: Verdict = high !== null && high !== 'more' ? 'disagrees' : high === 'more' && checks.every((r) => r === 'more') ? 'agrees' : 'mixed';
  return claim(6, withNote(parts.join(' '), note), verdict);
}
