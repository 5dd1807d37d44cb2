// Pretraining in the tab, on Dawn/SwiftShader with fake IndexedDB: a tiny base trains a few steps
// with the loss falling, evaluations at the asked steps with samples, a manifest whose hash is the
// weights' and whose facts are the settings'; the store keeps it across reopening, refuses damaged
// weights and invalid manifests, and the worker host saves and lists it and stops on request.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import { sha256Hex } from '../data/sha256';
import type { PretrainWorkerEvent } from '../protocol';
import { checkSavedBase, isSavedBaseName, SavedBaseStore, savedBaseId, weightBytes } from '../storage/saved-bases';
import type { PretrainEvent } from '../protocol';
import { pretrainBase, pretrainFits } from './base';
import { pretrainSettingsSchema, PRETRAIN_TAB_DEFAULTS, sizeLabel } from './settings';
import { PretrainHost } from '../worker/pretrain-host';

let ctx: KernelContext;
let assets: DataAssets;
beforeAll(async () => {
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
});

const tiny = pretrainSettingsSchema.parse({ ...PRETRAIN_TAB_DEFAULTS, name: 'Tiny Test', size: 'tiny', steps: 6, batch: 2, seq: 32, warmup: 0, evalEvery: 3, lr: 1e-2 });

describe('saved base ids and settings', () => {
  it('slug the name into an id the config schema accepts', () => {
    expect(savedBaseId('My Base #2!')).toBe('u-my-base-2');
    expect(savedBaseId('   ')).toBe('u-base');
    expect(savedBaseId('x'.repeat(50))).toBe(`u-${'x'.repeat(30)}`);
    expect(isSavedBaseName('u-my-base-2')).toBe(true);
    expect(isSavedBaseName('base')).toBe(false);
    expect(isSavedBaseName('u-')).toBe(false);
  });

  it('refuse settings outside the limits, and sizes that do not fit the memory budget', () => {
    expect(pretrainSettingsSchema.safeParse({ ...tiny, steps: 0 }).success).toBe(false);
    expect(pretrainSettingsSchema.safeParse({ ...tiny, size: 'huge' }).success).toBe(false);
    expect(pretrainSettingsSchema.safeParse({ ...tiny, name: ' ' }).success).toBe(false);
    expect(pretrainFits(tiny, ctx.device.limits, 1 << 30).ok).toBe(true);
    const small = { ...tiny, size: 'small' as const, batch: 64, seq: 256 };
    const fit = pretrainFits(small, ctx.device.limits, 8 << 20);
    expect(fit.ok).toBe(false);
    if (!fit.ok) expect(fit.message).toMatch(/MiB|GiB/);
  });

  it('label sizes with their parameter counts', () => {
    expect(sizeLabel('base')).toBe('base: 115k parameters (d_model 64, 2 layers)');
    expect(sizeLabel('small')).toBe('small: 820k parameters (d_model 128, 4 layers)');
    // 65,536 embedding + 4 × (2 × 256 + 2 × 256² + 2 × 256 × 128 + 3 × 256 × 768) + 256 final norm = 3,213,568.
    expect(sizeLabel('medium')).toBe('medium: 3.2M parameters (d_model 256, 4 layers)');
  });
});

describe('the larger size', () => {
  it('fits the default 1 GiB budget with the tab defaults and trains a step on this device', async () => {
    const medium = { ...tiny, name: 'Medium', size: 'medium' as const, steps: 1, batch: 1, seq: 16, evalEvery: 1 };
    expect(pretrainFits({ ...medium, batch: 8, seq: 64 }, ctx.device.limits, 1 << 30).ok).toBe(true);
    const losses: number[] = [];
    const { manifest, params } = await pretrainBase(ctx, medium, assets, 'test device', (e) => e.type === 'step' && losses.push(e.loss), () => false);
    expect(params.length).toBe(3_213_568);
    expect(manifest.config).toMatchObject({ dModel: 256, nLayers: 4, nHeads: 8, nKvHeads: 4 });
    // Random weights predict 256 bytes about uniformly: ln 256 = 5.545 nats.
    expect(losses[0]).toBeGreaterThan(5.3);
    expect(losses[0]).toBeLessThan(5.8);
  }, 240_000);
});

describe('pretraining a tiny base', () => {
  it('trains, evaluates with samples at the asked steps, and describes itself in its manifest', async () => {
    const events: PretrainEvent[] = [];
    const { manifest, params } = await pretrainBase(ctx, tiny, assets, 'test device', (e) => events.push(e), () => false);
    const losses = events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
    expect(losses).toHaveLength(6);
    expect(losses[5]).toBeLessThan(losses[0]);
    const evals = events.flatMap((e) => (e.type === 'eval' ? [e] : []));
    expect(evals.map((e) => e.step)).toEqual([0, 3, 6]);
    for (const e of evals) expect(e.sample.startsWith('The ')).toBe(true);
    expect(evals[2].heldOut).toBeLessThan(evals[0].heldOut);
    expect(manifest.id).toBe('u-tiny-test');
    expect(manifest.training).toMatchObject({ steps: 6, batchSize: 2, seqLen: 32, lr: 1e-2, tokensSeen: 6 * 2 * 32, device: 'test device' });
    expect(manifest.config.dModel).toBe(32);
    expect(manifest.sha256).toBe(sha256Hex(weightBytes(params)));
    expect(manifest.heldOutLoss.english).toBe(evals[2].heldOut);
    expect(Number.isFinite(manifest.heldOutLoss.code)).toBe(true);
    // A checked round trip through the store.
    const store = await SavedBaseStore.open(`bases-${Math.random()}`);
    await store.put(manifest, params);
    const back = await store.get(manifest.id);
    expect(back.params).toEqual(params);
    expect((await store.list()).map((m) => m.id)).toEqual(['u-tiny-test']);
    await store.delete(manifest.id);
    await expect(store.get(manifest.id)).rejects.toThrow(/not in this browser: pretrain it in the Pretrain tab/);
    // Damaged weights and manifests are refused with a message naming the base.
    const bytes = weightBytes(params);
    bytes[0] ^= 1;
    expect(() => checkSavedBase(manifest, bytes)).toThrow('the saved base "Tiny Test" is damaged: its weights do not match their SHA-256');
    expect(() => checkSavedBase(manifest, bytes.subarray(4))).toThrow(/damaged: \d+ bytes of weights/);
    expect(() => checkSavedBase({ ...manifest, id: 'base' }, weightBytes(params))).toThrow(/manifest is not valid \(id:/);
  }, 120_000);

  it('stops early on request, and the Worker host saves what trained and lists it', async () => {
    const posted: PretrainWorkerEvent[] = [];
    let stopAfter = 2;
    const host = new PretrainHost({
      post: (e) => {
        posted.push(e);
        if (e.type === 'pretrain-event' && e.event.type === 'step' && e.event.step === stopAfter) void host.handle({ type: 'pretrain-stop' });
      },
      context: async () => ctx, assets: async () => assets, device: async () => 'test device', memoryBudget: () => undefined, forget: () => {},
    });
    await host.handle({ type: 'pretrain-start', settings: { ...tiny, name: 'Stopped Early' }, runId: 'a' });
    await expect.poll(() => posted.some((e) => e.type === 'pretrain-state' && e.state !== 'running'), { timeout: 60_000 }).toBe(true);
    expect(posted.find((e) => e.type === 'pretrain-state' && e.state !== 'running')).toEqual({ type: 'pretrain-state', state: 'stopped', runId: 'a' });
    // Every event of the pretraining names the start it belongs to.
    expect(posted.filter((e) => e.type !== 'bases').every((e) => 'runId' in e && e.runId === 'a')).toBe(true);
    const saved = posted.find((e) => e.type === 'pretrain-saved');
    expect(saved?.type === 'pretrain-saved' && saved.manifest.training.steps).toBe(2);
    await host.handle({ type: 'list-bases' });
    const list = posted.filter((e) => e.type === 'bases').at(-1);
    expect(list?.type === 'bases' && list.bases.map((b) => b.id)).toContain('u-stopped-early');
    // A second start while one runs is refused; bad settings are refused with their field.
    stopAfter = -1;
    await host.handle({ type: 'pretrain-start', settings: { ...tiny, steps: 0 }, runId: 'b' });
    expect(posted.slice(-2)).toEqual([
      { type: 'pretrain-error', message: expect.stringContaining('steps'), runId: 'b' },
      { type: 'pretrain-state', state: 'error', runId: 'b' },
    ]);
    const loaded = await host.load('u-stopped-early');
    expect(loaded.config.dModel).toBe(32);
  }, 120_000);

  it('pauses between steps and resumes to the end, and Stop ends a paused pretraining', async () => {
    const posted: PretrainWorkerEvent[] = [];
    const host = new PretrainHost({
      post: (e) => {
        posted.push(e);
        if (e.type === 'pretrain-event' && e.event.type === 'step' && e.event.step === 2) void host.handle({ type: 'pretrain-pause' });
      },
      context: async () => ctx, assets: async () => assets, device: async () => 'test device', memoryBudget: () => undefined, forget: () => {},
    });
    const steps = () => posted.flatMap((e) => (e.type === 'pretrain-event' && e.event.type === 'step' ? [e.event.step] : []));
    const states = () => posted.flatMap((e) => (e.type === 'pretrain-state' ? [e.state] : []));
    const t0 = performance.now();
    await host.handle({ type: 'pretrain-start', settings: { ...tiny, name: 'Paused Once' }, runId: 'c' });
    await expect.poll(() => states().at(-1), { timeout: 60_000 }).toBe('paused');
    await new Promise((r) => setTimeout(r, 1500));
    expect(steps()).toEqual([1, 2]);
    await host.handle({ type: 'pretrain-resume' });
    await expect.poll(() => states().at(-1), { timeout: 60_000 }).toBe('done');
    const wall = (performance.now() - t0) / 1000;
    expect(steps()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(states()).toEqual(['running', 'paused', 'running', 'done']);
    const saved = posted.find((e) => e.type === 'pretrain-saved');
    expect(saved?.type === 'pretrain-saved' && saved.manifest.training.steps).toBe(6);
    // The pause is not training time: the manifest's seconds leave its 1.5 s out.
    expect(saved?.type === 'pretrain-saved' && saved.manifest.training.seconds).toBeLessThan(wall - 1.4);

    posted.length = 0;
    await host.handle({ type: 'pretrain-start', settings: { ...tiny, name: 'Paused Then Stopped' }, runId: 'd' });
    await expect.poll(() => states().at(-1), { timeout: 60_000 }).toBe('paused');
    await host.handle({ type: 'pretrain-stop' });
    await expect.poll(() => states().at(-1), { timeout: 60_000 }).toBe('stopped');
    expect(steps()).toEqual([1, 2]);
  }, 120_000);
});
