// The Worker's side of the Pretrain tab: starts, pauses, resumes and stops pretraining (the loop runs
// detached, so the command queue stays free for Pause and Stop), saves the finished base in the saved-bases database,
// lists and deletes saved bases, and loads one for an experiment. Without usable IndexedDB a
// finished base is refused with that reason (nothing else could train from it after a reload).

import type { KernelContext } from '../../engine/index';
import type { DataAssets } from '../data/assets';
import type { PretrainCommand, PretrainWorkerEvent } from '../protocol';
import { DEFAULT_MEMORY_BUDGET } from '../run/memory-check';
import { SavedBaseStore } from '../storage/saved-bases';
import { pretrainBase, pretrainFits } from '../pretrain/base';
import { pretrainSettingsSchema } from '../pretrain/settings';

export interface PretrainHostDeps {
  post(e: PretrainWorkerEvent): void;
  context(): Promise<KernelContext>;
  assets(): Promise<DataAssets>;
  /** The adapter in words, for the manifest. */
  device(): Promise<string>;
  memoryBudget(): number | undefined;
  /** Drops a cached copy of a base that was just replaced. */
  forget(id: string): void;
}

/** A pretraining in progress: Stop and Pause set its flags; `wake` ends a pause's wait. */
interface Active {
  runId: string;
  stop: boolean;
  failed: boolean;
  paused: boolean;
  wake: (() => void) | null;
}

export class PretrainHost {
  private active: Active | null = null;
  private store: Promise<SavedBaseStore> | null = null;

  constructor(private readonly deps: PretrainHostDeps) {}

  private bases(): Promise<SavedBaseStore> {
    this.store ??= SavedBaseStore.open();
    this.store.catch(() => (this.store = null));
    return this.store;
  }

  /** A saved base's config and weights, checked against its hash. */
  async load(id: string) {
    const { manifest, params } = await (await this.bases()).get(id);
    return { config: manifest.config, params };
  }

  async handle(cmd: PretrainCommand): Promise<void> {
    try {
      switch (cmd.type) {
        case 'pretrain-start':
          return await this.start(cmd.settings, cmd.runId).catch((e: unknown) => {
            this.deps.post({ type: 'pretrain-error', message: e instanceof Error ? e.message : String(e), runId: cmd.runId });
            this.deps.post({ type: 'pretrain-state', state: 'error', runId: cmd.runId });
          });
        case 'pretrain-stop':
          if (this.active) this.active.stop = true;
          return this.setPaused(false);
        case 'pretrain-pause':
          return this.setPaused(true);
        case 'pretrain-resume':
          return this.setPaused(false);
        case 'list-bases':
          return this.deps.post({ type: 'bases', bases: await (await this.bases()).list() });
        case 'delete-base':
          await (await this.bases()).delete(cmd.id);
          return this.deps.post({ type: 'bases', bases: await (await this.bases()).list() });
      }
    } catch (e) {
      this.deps.post({ type: 'pretrain-error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private setPaused(paused: boolean): void {
    const a = this.active;
    if (!a || a.paused === paused) return;
    a.paused = paused;
    if (!paused) {
      a.wake?.();
      a.wake = null;
    }
    if (!a.stop) this.deps.post({ type: 'pretrain-state', state: paused ? 'paused' : 'running', runId: a.runId });
  }

  /** Holds the loop between steps while paused; the milliseconds it held it. */
  private async waitWhilePaused(a: Active): Promise<number> {
    if (!a.paused) return 0;
    const t = performance.now();
    await new Promise<void>((resolve) => (a.wake = resolve));
    return performance.now() - t;
  }

  private async start(raw: unknown, runId: string): Promise<void> {
    if (this.active) throw new Error('A base is already pretraining: stop it first.');
    const parsed = pretrainSettingsSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`Pretraining settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const s = parsed.data;
    const ctx = await this.deps.context();
    const fit = pretrainFits(s, ctx.device.limits, this.deps.memoryBudget() ?? DEFAULT_MEMORY_BUDGET);
    if (!fit.ok) throw new Error(fit.message);
    const [assets, device] = await Promise.all([this.deps.assets(), this.deps.device()]);
    const flag: Active = { runId, stop: false, failed: false, paused: false, wake: null };
    this.active = flag;
    this.deps.post({ type: 'pretrain-state', state: 'running', runId });
    // Detached: Stop must reach the loop through the queue while it trains.
    void pretrainBase(ctx, s, assets, device, (event) => this.deps.post({ type: 'pretrain-event', event, runId }), () => flag.stop, () => this.waitWhilePaused(flag))
      .then(async ({ manifest, params }) => {
        const store = await this.bases().catch(() => {
          throw new Error('This browser does not let the page store data (IndexedDB), so the base cannot be saved.');
        });
        await store.put(manifest, params);
        this.deps.forget(manifest.id);
        this.deps.post({ type: 'pretrain-saved', manifest, runId });
        this.deps.post({ type: 'bases', bases: await store.list() });
      })
      .catch((e: unknown) => {
        flag.failed = true;
        this.deps.post({ type: 'pretrain-error', message: e instanceof Error ? e.message : String(e), runId });
      })
      .finally(() => {
        this.active = null;
        this.deps.post({ type: 'pretrain-state', state: flag.failed ? 'error' : flag.stop ? 'stopped' : 'done', runId });
      });
  }
}
