// Saved runs and sweeps kept in this tab's memory: what SafeHistory falls back to when IndexedDB
// cannot be opened (private browsing, blocked site data, an upgrade another tab blocks). It has
// RunHistory's methods and answers, so resuming, analysis and export work for the session; values
// are cloned on the way in and out, as IndexedDB does, so later changes to a caller's object never
// reach the stored copy.

import { storedBytes, summarize, summarizeSweep } from './history';
import type { RunSummary, SavedRun, SavedSweep, SweepSummary } from '../protocol';
import type { ExperimentCheckpoint } from '../run/runner';
import type { SweepCheckpoint } from '../sweep/runner';

const newestFirst = (a: { updatedAt: number }, b: { updatedAt: number }) => b.updatedAt - a.updatedAt;

export class MemoryHistory {
  private readonly runs = new Map<string, SavedRun>();
  private readonly checkpoints = new Map<string, ExperimentCheckpoint>();
  private readonly sweeps = new Map<string, SavedSweep>();
  private readonly sweepCheckpoints = new Map<string, SweepCheckpoint>();

  async save(run: SavedRun): Promise<void> {
    const prev = this.runs.get(run.id);
    const record: SavedRun = { ...structuredClone(run), updatedAt: Date.now() };
    // As in RunHistory: only saveCheckpoint writes the checkpoint fields of a stored run.
    if (prev) {
      record.checkpointStep = prev.checkpointStep;
      if (prev.checkpointBytes !== undefined) record.checkpointBytes = prev.checkpointBytes;
      else delete record.checkpointBytes;
    }
    this.runs.set(run.id, record);
  }

  async saveCheckpoint(id: string, checkpoint: ExperimentCheckpoint): Promise<void> {
    this.checkpoints.set(id, structuredClone(checkpoint));
    const run = this.runs.get(id);
    if (run) this.runs.set(id, { ...run, checkpointStep: checkpoint.step, checkpointBytes: storedBytes(checkpoint), updatedAt: Date.now() });
  }

  async get(id: string): Promise<SavedRun | undefined> {
    const run = this.runs.get(id);
    return run && structuredClone(run);
  }

  async checkpoint(id: string): Promise<ExperimentCheckpoint | undefined> {
    const ckpt = this.checkpoints.get(id);
    return ckpt && structuredClone(ckpt);
  }

  async list(): Promise<RunSummary[]> {
    return [...this.runs.values()].sort(newestFirst).map((r) => summarize(structuredClone(r)));
  }

  async delete(id: string): Promise<void> {
    this.runs.delete(id);
    this.checkpoints.delete(id);
  }

  async saveSweep(sweep: SavedSweep): Promise<void> {
    this.sweeps.set(sweep.id, { ...structuredClone(sweep), updatedAt: Date.now() });
  }

  async saveSweepCheckpoint(id: string, checkpoint: SweepCheckpoint): Promise<void> {
    this.sweepCheckpoints.set(id, structuredClone(checkpoint));
    const sweep = this.sweeps.get(id);
    if (sweep) this.sweeps.set(id, { ...sweep, checkpointGroup: checkpoint.group, updatedAt: Date.now() });
  }

  async getSweep(id: string): Promise<SavedSweep | undefined> {
    const sweep = this.sweeps.get(id);
    return sweep && structuredClone(sweep);
  }

  async sweepCheckpoint(id: string): Promise<SweepCheckpoint | undefined> {
    const ckpt = this.sweepCheckpoints.get(id);
    return ckpt && structuredClone(ckpt);
  }

  async listSweeps(): Promise<SweepSummary[]> {
    return [...this.sweeps.values()].sort(newestFirst).map((s) => summarizeSweep(structuredClone(s)));
  }

  async deleteSweep(id: string): Promise<void> {
    this.sweeps.delete(id);
    this.sweepCheckpoints.delete(id);
  }

  close(): void {
    // Nothing to release; the data goes with the tab.
  }
}
