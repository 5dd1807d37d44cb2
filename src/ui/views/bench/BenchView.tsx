// The benchmark view (`?view=bench`): runs the benchmark suite in the page's training Worker on
// this browser's adapter and shows its tables (the same rows `npm run bench` prints), with the
// report as a JSON download. Quick mode measures tiny shapes only (seconds on a CPU emulator).
import { useState } from 'react';
import type { BenchReport } from '../../../experiment/protocol';
import { reportHeader, reportTables, type Table } from '../../../experiment/bench/table';
import { download } from '../../components/export/files';
import { useBench } from '../../store/bench';
import { benchActions } from '../../store/client';
import './bench.css';

function BenchTable({ table }: { table: Table }) {
  return (
    <table className="ll-bench-table" aria-label={table.title}>
      <caption>{table.title}</caption>
      <thead>
        <tr>{table.headers.map((h) => <th key={h} scope="col">{h}</th>)}</tr>
      </thead>
      <tbody>
        {table.rows.map((row, i) => (
          <tr key={i}>{row.map((cell, c) => <td key={c}>{cell}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}

function fileName(r: BenchReport): string {
  return `lora-lab-bench-${r.date.slice(0, 19).replace(/[:T]/g, '-')}.json`;
}

function Report({ report }: { report: BenchReport }) {
  return (
    <section aria-label="Benchmark results">
      <p className="ll-bench-header">{reportHeader(report)}</p>
      <button type="button" onClick={() => download(fileName(report), 'application/json', JSON.stringify(report, null, 2))}>
        Download JSON
      </button>
      {reportTables(report).map((t) => <div key={t.title} className="ll-table-wrap" tabIndex={0}><BenchTable table={t} /></div>)}
      <ul className="ll-bench-notes">{report.notes.map((n) => <li key={n}>{n}</li>)}</ul>
    </section>
  );
}

export function BenchView() {
  const { status, progress, report, error } = useBench();
  const [quick, setQuick] = useState(true);
  const running = status === 'running';
  return (
    <section className="ll-bench" aria-labelledby="bench-title">
      <h2 id="bench-title">Benchmark</h2>
      <p className="ll-prose">
        Measures this browser’s GPU: its FMA and copy peaks, the engine’s matmul kernels at the model’s layer shapes, and
        training steps of full fine-tuning and LoRA (r = 1, 8, 64), each also as a share of the measured FMA peak. In the same
        run it times two peers on this GPU: TensorFlow.js (tf.matMul on its WebGPU backend, and the same model trained with its
        autodiff and Adam) and onnxruntime-web’s WebGPU execution provider (a one-node MatMul model), each checked against the
        engine’s result first. Running it pauses any training in this tab.
      </p>
      <label>
        <input type="checkbox" checked={quick} disabled={running} onChange={(e) => setQuick(e.target.checked)} /> Quick (tiny shapes only)
      </label>{' '}
      <button type="button" disabled={running} onClick={() => benchActions.run(quick)}>
        {running ? 'Running…' : 'Run benchmark'}
      </button>
      {running && <p role="status">{progress ? `${progress.phase}: ${progress.message}` : 'Starting…'}</p>}
      {status === 'error' && <p role="alert">Benchmark failed: {error}</p>}
      {report && <Report report={report} />}
    </section>
  );
}
