// Per-method run status: the settings in use, step reached, speed (tokens/s, achieved model
// GFLOP/s and its share of the device's measured FMA peak), held-out target and source
// loss (base model → latest evaluation), trainable parameters (as a multiple of full fine-tuning's),
// memory for weights, gradients and optimizer state, and divergence (a diverged method's losses
// end at the state it stopped in; no NaN is printed). Every number column names its unit.
// A table wider than its panel (a phone) scrolls sideways inside it, with the method column held in
// place, a line saying so and the cut edge faded, so the loss columns are found.
import { useEffect, useState } from 'react';
import type { ExperimentConfig, MethodConfig } from '../../../experiment/config';
import { describeBase, usePretrain } from '../../store/pretrain';
import type { EvalPoint, MethodInfo, StepPoint } from '../../../experiment/protocol';
import { achievedRate, type DevicePeak } from '../../../experiment/bench/device-peak';
import { ViewLink } from '../../views/sweep/ViewTabs';
import { methodColor } from './colors';
import { Term } from '../../glossary/Term';
import { trainableCell, trainableSentence } from '../trainable-text';
import { drawnEvals } from './divergence';
import './status-table.css';

const kib = (b: number) => (b / 1024).toFixed(0);

interface Props {
  methods: MethodInfo[];
  lastStep: Record<string, StepPoint>;
  diverged: Record<string, number>;
  config: ExperimentConfig | null;
  evals: EvalPoint[];
  devicePeak?: DevicePeak | null;
}

function settings(m: MethodConfig | undefined): string {
  if (!m) return '';
  const lr = `lr ${m.lr.toExponential(0)}`;
  if (m.kind === 'full') return `${lr}${m.weightDecay ? `, wd ${m.weightDecay}` : ''}`;
  const scale = m.scaling === 'rslora' ? 'rsLoRA' : 'α/r';
  return `r=${m.rank}, α=${m.alpha} (${scale}), ${m.targets.join('/')}, ${lr}`;
}

/** "3.2 (41%)": achieved GFLOP/s and its share of the measured peak, from the last step's time. */
function rate(m: MethodInfo, point: StepPoint | undefined, peak: DevicePeak | null | undefined): string {
  if (!point || m.flopsPerStep === undefined) return '–';
  const r = achievedRate(m.flopsPerStep, point.ms, peak?.gflops ?? null);
  if (!r) return '–';
  const g = r.gflops >= 99.5 ? r.gflops.toFixed(0) : r.gflops.toPrecision(2);
  if (r.shareOfPeak === null) return g;
  const pct = 100 * r.shareOfPeak;
  // toPrecision(1) writes 9.5–9.99 as "1e+1" and tiny shares in exponents: whole percents from 9.5, "<0.01" below.
  return `${g} (${pct >= 9.5 ? pct.toFixed(0) : pct < 0.01 ? '<0.01' : pct.toPrecision(1)}%)`;
}

/**
 * Where the per-method times come from: every method of a step trains in one GPU submit, so a method's
 * own time is either its pass's GPU time (timestamp queries) or the step's time split by FLOPs.
 */
function timingNote(points: StepPoint[]): string {
  const sources = new Set(points.map((p) => p.msSource).filter(Boolean));
  const group = points.find((p) => p.groupMs !== undefined)?.groupMs;
  const step = group !== undefined ? `A step of all methods took ${group.toFixed(0)} ms. ` : '';
  if (sources.has('flop-share')) {
    return `${step}All methods train in one GPU submit per step and this device offers no GPU timestamps, so each method's time is the step's time split by its share of the FLOPs: their GFLOP/s are the same by construction. `;
  }
  if (sources.has('timestamp')) return `${step}Each method's time is its own GPU time, from timestamp queries. `;
  return step;
}

const loss = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'not finite');

function lossChange(evals: EvalPoint[], id: string, key: 'targetLoss' | 'sourceLoss'): string {
  const mine = evals.filter((e) => e.method === id);
  if (mine.length === 0) return '–';
  const first = mine[0][key];
  const last = mine[mine.length - 1][key];
  return mine.length === 1 ? loss(first) : `${loss(first)} → ${loss(last)}`;
}

/** Whether an element scrolls sideways, and whether it is scrolled to its right end. */
function useSideways() {
  const [el, setEl] = useState<HTMLDivElement | null>(null);
  const [state, setState] = useState({ over: false, atEnd: false });
  useEffect(() => {
    if (!el) return;
    const update = () => {
      const over = el.scrollWidth > el.clientWidth + 1;
      const atEnd = el.scrollLeft + el.clientWidth >= el.scrollWidth - 1;
      setState((s) => (s.over === over && s.atEnd === atEnd ? s : { over, atEnd }));
    };
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    if (el.firstElementChild) ro.observe(el.firstElementChild);
    el.addEventListener('scroll', update, { passive: true });
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', update);
    };
  }, [el]);
  return [setEl, state] as const;
}

export function StatusTable({ methods, lastStep, diverged, config, evals: all, devicePeak }: Props) {
  const saved = usePretrain((s) => s.saved);
  const evals = drawnEvals(all, diverged);
  const [wrap, sideways] = useSideways();
  return (
    <>
    {sideways.over && (
      <p className="ll-hint ll-scroll-cue" data-testid="table-scroll-cue">
        The table is wider than the screen: scroll it sideways for the losses and the other columns <span aria-hidden="true">→</span>
      </p>
    )}
    <div
      ref={wrap} className="ll-table-wrap ll-scroll-x" tabIndex={0} role="region" aria-label="Methods in this run (scrolls sideways)"
      data-overflow={sideways.over} data-at-end={sideways.atEnd}
    ><table className="ll-table">
      <caption style={{ textAlign: 'left', fontWeight: 650 }}>
        Methods in this run{config && <span className="ll-hint" data-testid="run-base"> · base model {describeBase(config.base, saved)}</span>}
      </caption>
      <thead>
        <tr><th scope="col">Method</th><th scope="col">Settings</th><th scope="col">Step</th><th scope="col">Speed (tokens/s)</th><th scope="col" title="Model FLOPs of a step (matmuls) per second, and their share of the device's measured FMA peak">GFLOP/s (% of peak)</th><th scope="col">Target loss (nats/byte)</th><th scope="col">Source loss (nats/byte)</th><th scope="col">Trainable parameters (count, × full fine-tuning’s)</th><th scope="col">Weights / grads / optimizer (KiB)</th><th scope="col">Status</th></tr>
      </thead>
      <tbody>
        {methods.map((m, i) => (
          <tr key={m.id} data-method={m.id}>
            <th scope="row">
              <span className="ll-swatch" style={{ background: methodColor(i) }} aria-hidden="true" />
              {m.label}
            </th>
            <td data-testid={`settings-${m.id}`}>{settings(config?.methods.find((c) => c.id === m.id))}</td>
            <td>{lastStep[m.id]?.step ?? 0}</td>
            <td>{lastStep[m.id]?.tokensPerSecond.toFixed(0) ?? '–'}</td>
            <td data-testid={`rate-${m.id}`}>{rate(m, lastStep[m.id], devicePeak)}</td>
            <td data-testid={`target-${m.id}`}>{lossChange(evals, m.id, 'targetLoss')}</td>
            <td data-testid={`source-${m.id}`}>{lossChange(evals, m.id, 'sourceLoss')}</td>
            <td data-testid={`trainable-${m.id}`}>{trainableCell(m)}</td>
            <td>{kib(m.memory.weightBytes)} / {kib(m.memory.gradientBytes)} / {kib(m.memory.optimizerBytes)}</td>
            <td data-testid={`status-${m.id}`} className={diverged[m.id] !== undefined ? 'll-diverged' : undefined}>
              {diverged[m.id] !== undefined ? `diverged at step ${diverged[m.id]}` : 'ok'}
            </td>
          </tr>
        ))}
      </tbody>
    </table></div>
    <p className="ll-hint" data-testid="params-note">
      Losses are <Term id="held-out">held-out</Term>, in <Term id="nats-per-byte">nats/byte</Term> (base model → latest evaluation).{' '}
      {trainableSentence(methods)}
    </p>
    <p className="ll-hint" data-testid="peak-note">
      {devicePeak
        ? `Share of peak: against ${devicePeak.gflops.toPrecision(3)} GFLOP/s, this device's rate on a compute-bound FMA kernel (measured before the run). `
        : 'Share of peak: appears once the device\'s FMA peak is measured (before a run starts). '}
      {timingNote(Object.values(lastStep))}
      <ViewLink to="bench">Benchmark this device</ViewLink> for matmuls and training steps in detail.
    </p>
    </>
  );
}
