// Metrics output for the experiment CLI: a CSV of every evaluation and a summary table
// (final target and source loss, accuracy, trainable parameters, optimizer-state bytes).

import type { ExperimentConfig } from '../experiment/config';
import type { EvalPoint, MethodInfo } from '../experiment/protocol';

export function metricsCsv(evals: readonly EvalPoint[]): string {
  const rows = evals.map((e) => [e.step, e.method, e.targetLoss, e.sourceLoss, e.targetAccuracy ?? ''].join(','));
  return `step,method,target_loss,source_loss,target_accuracy\n${rows.join('\n')}\n`;
}

export function summaryTable(config: ExperimentConfig, methods: readonly MethodInfo[], evals: readonly EvalPoint[]): string {
  const base = evals.find((e) => e.step === 0);
  const lines = [
    `| method | lr | final target loss | final source loss | target accuracy | trainable params | optimizer state |`,
    `|---|---|---|---|---|---|---|`,
  ];
  if (base) {
    lines.push(`| base model | – | ${base.targetLoss.toFixed(4)} | ${base.sourceLoss.toFixed(4)} | ${fmtAcc(base.targetAccuracy)} | – | – |`);
  }
  for (const m of methods) {
    const last = [...evals].reverse().find((e) => e.method === m.id);
    const cfg = config.methods.find((c) => c.id === m.id)!;
    lines.push(
      `| ${m.label} | ${cfg.lr} | ${last?.targetLoss.toFixed(4) ?? '–'} | ${last?.sourceLoss.toFixed(4) ?? '–'} | ` +
        `${fmtAcc(last?.targetAccuracy)} | ${m.trainableParams.toLocaleString('en-US')} | ${(m.memory.optimizerBytes / 1024).toFixed(1)} KiB |`,
    );
  }
  return lines.join('\n');
}

function fmtAcc(a: number | undefined): string {
  return a === undefined ? '–' : `${(100 * a).toFixed(1)}%`;
}
