// The Worker's exports and imports: a saved run's weights (its last checkpoint) as ONNX, as a
// PEFT adapter zip or as a transformers folder (safetensors); results as JSON or CSV; and
// uploads: a run JSON is validated and saved as a run to overlay, a PEFT adapter is validated
// against the base model and becomes a new run that evaluates it at step 0 and trains on.
// Nothing is changed until an upload has passed every check.

import type { KernelContext } from '../../engine/index';
import type { ExperimentConfig } from '../config';
import type { DataAssets } from '../data/assets';
import { readUpload } from '../export/bundle';
import { checkpointFromAdapter, configForAdapter, IMPORTED_METHOD_ID } from '../export/continue';
import { describeMethod, hfFolderZip, onnxFile, peftZip, type FileOut, type ModelSource } from '../export/packages';
import { describeBase, ImportError, parsePeftAdapter } from '../export/peft';
import { parseRunFile, runCsv, runFile, sweepCsv, sweepFile, type BaseDescription } from '../export/results';
import { exportConfig } from '../export/weights';
import type { HistoryStore } from '../storage/history';
import type { ExportCommand, SavedRun, WorkerEvent } from '../protocol';
import { ExperimentRunner, type BaseModel, type ExperimentCheckpoint } from '../run/runner';

export interface ExportDeps {
  post: (e: WorkerEvent) => void;
  context: () => Promise<KernelContext>;
  assets: () => Promise<DataAssets>;
  baseModel: (name: string) => Promise<BaseModel>;
  history: () => Promise<HistoryStore>;
  launch: (config: ExperimentConfig, run: SavedRun, checkpoint?: ExperimentCheckpoint) => Promise<void>;
}

type ExportRequest = Extract<ExportCommand, { type: 'export' }>;
type ImportRequest = Extract<ExportCommand, { type: 'import-files' }>;

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');

export class ExportHost {
  constructor(private readonly deps: ExportDeps) {}

  async handle(cmd: ExportCommand): Promise<void> {
    if (cmd.type === 'export') {
      try {
        this.deps.post({ type: 'export-file', requestId: cmd.requestId, ...(await this.exportFile(cmd)) });
      } catch (e) {
        this.deps.post({ type: 'export-error', requestId: cmd.requestId, message: e instanceof Error ? e.message : String(e) });
      }
    } else {
      try {
        await this.importFiles(cmd);
      } catch (e) {
        const message = e instanceof ImportError ? `Import refused, nothing changed: ${e.message}.` : `Import failed, nothing changed: ${e instanceof Error ? e.message : e}`;
        this.deps.post({ type: 'import-result', ok: false, message });
      }
    }
  }

  private async runOf(id: string | null): Promise<SavedRun | null> {
    if (id === null) return null;
    const run = await (await this.deps.history()).get(id);
    if (!run) throw new Error('That run is not saved in this browser (any more).');
    return run;
  }

  private async exportFile(cmd: ExportRequest): Promise<FileOut> {
    if (cmd.format === 'sweep-json' || cmd.format === 'sweep-csv') return this.sweepFile(cmd.runId, cmd.format);
    const run = await this.runOf(cmd.runId);
    const desc = await this.baseDescription(run?.config.base ?? 'base');
    const base = await this.deps.baseModel(desc.name);
    const stem = run ? `${run.preset}-${run.id.slice(0, 8)}` : `lora-lab-${desc.name}`;
    if (cmd.format === 'run-json' || cmd.format === 'run-csv') {
      if (!run) throw new Error('Train or open a run first: there are no results to export.');
      const f = runFile(run, desc, cmd.method ?? undefined);
      const name = `${stem}${cmd.method ? `-${cmd.method}` : ''}`;
      return cmd.format === 'run-json'
        ? { name: `${name}.json`, mime: 'application/json', bytes: json(f) }
        : { name: `${name}.csv`, mime: 'text/csv', bytes: new TextEncoder().encode(runCsv(f)) };
    }
    return this.weightsFile(cmd, run, base, desc, stem);
  }

  private async weightsFile(cmd: ExportRequest, run: SavedRun | null, base: BaseModel, desc: BaseDescription, stem: string): Promise<FileOut> {
    const src: ModelSource = {
      cfg: exportConfig(base.config, run?.config.seqLen ?? base.config.seqLen), baseName: desc.name, baseParams: base.params,
      baseDescription: desc.description, method: null, trained: null, description: desc.description, name: `lora-lab-${desc.name}`,
    };
    if (cmd.method !== null) {
      if (!run) throw new Error('Choose a run to export a method of.');
      const method = run.config.methods.find((m) => m.id === cmd.method);
      if (!method) throw new Error(`The run has no method ${cmd.method}.`);
      const ckpt = await (await this.deps.history()).checkpoint(run.id);
      if (!ckpt?.methods[method.id]) throw new Error('This run has no saved checkpoint yet: its weights are saved at its first evaluation.');
      Object.assign(src, {
        method, trained: ckpt.methods[method.id].params, description: describeMethod(method, ckpt.step, run.preset, desc.description),
        name: `${stem}-${method.id}-step${ckpt.step}`,
      });
    }
    if (cmd.format === 'onnx') return onnxFile(src);
    return cmd.format === 'safetensors' ? hfFolderZip(src) : peftZip(src);
  }

  private async baseDescription(name: string): Promise<BaseDescription> {
    const base = await this.deps.baseModel(name);
    return { name, description: describeBase(base.config, name), config: base.config };
  }

  private async sweepFile(id: string | null, format: 'sweep-json' | 'sweep-csv'): Promise<FileOut> {
    const sweep = id === null ? undefined : await (await this.deps.history()).getSweep(id);
    if (!sweep) throw new Error('Choose a saved sweep to export.');
    const name = `sweep-${sweep.preset}-${sweep.id.slice(0, 8)}`;
    if (format === 'sweep-csv') return { name: `${name}.csv`, mime: 'text/csv', bytes: new TextEncoder().encode(sweepCsv(sweep)) };
    return { name: `${name}.json`, mime: 'application/json', bytes: json(sweepFile(sweep, await this.baseDescription(sweep.sweep.base))) };
  }

  private async importFiles(cmd: ImportRequest): Promise<void> {
    const upload = readUpload(cmd.files);
    const h = await this.deps.history();
    if (upload.kind === 'run') {
      const run = parseRunFile(upload.json, cmd.runId);
      await h.save(run);
      this.deps.post({ type: 'runs', runs: await h.list() });
      this.deps.post({ type: 'compare-loaded', run: (await h.get(run.id))! });
      this.deps.post({ type: 'import-result', ok: true, kind: 'run', message: `Imported ${upload.name}: saved as a run and drawn dashed on the charts.` });
      return;
    }
    const base = await this.deps.baseModel(cmd.config.base);
    const adapter = parsePeftAdapter(upload.config, upload.safetensors, base.config);
    const config = configForAdapter(cmd.config, adapter.lora);
    const [ctx, assets] = await Promise.all([this.deps.context(), this.deps.assets()]);
    // A throwaway runner of the same experiment gives the step-0 state (batcher, moments) to start from.
    const scratch = new ExperimentRunner(ctx, config, base, assets);
    let ckpt: ExperimentCheckpoint;
    try {
      await scratch.init();
      ckpt = await checkpointFromAdapter(scratch, IMPORTED_METHOD_ID, adapter);
    } finally {
      scratch.destroy();
    }
    const a = adapter.lora;
    this.deps.post({
      type: 'import-result', ok: true, kind: 'adapter', config, runId: cmd.runId,
      message: `Imported a LoRA adapter (r=${a.rank}, alpha=${a.alpha}, ${a.targets.join('/')}): step 0 evaluates it as uploaded, then training continues.`,
    });
    const now = Date.now();
    await this.deps.launch(config, {
      id: cmd.runId, preset: cmd.preset, config, createdAt: now, updatedAt: now, state: 'running', step: 0, methods: [], evals: [], checkpointStep: null,
    }, ckpt);
  }
}
