// zustand store of the Pretrain tab: the settings in its form, the pretraining on screen (state,
// the training and held-out loss curves, the latest samples, speed) and the bases saved in this
// browser, which the experiment's "Base model" select lists too. Worker events reach it through
// applyPretrainEvent (routed by client.ts), steps at most every PRETRAIN_STEP_PUBLISH_MS.
import { create } from 'zustand';
import type { PretrainWorkerEvent } from '../../experiment/protocol';
import type { SavedBaseManifest } from '../../experiment/storage/saved-bases';
import { baseLabel } from '../../experiment/bases';
import { isSavedBaseName } from '../../experiment/storage/saved-bases';
import { PRETRAIN_TAB_DEFAULTS, savedBaseLabel, type PretrainSettings } from '../../experiment/pretrain/settings';
import type { Pending } from './experiment';
import { heldPublisher } from './held';

export interface PretrainPoint {
  step: number;
  train?: number;
  heldOut?: number;
}

export interface PretrainState {
  settings: PretrainSettings;
  state: 'idle' | 'running' | 'paused' | 'done' | 'stopped' | 'error';
  params: number | null;
  points: PretrainPoint[];
  samples: Array<{ step: number; text: string }>;
  step: number;
  tokensPerSecond: number;
  seconds: number;
  error: string;
  saved: SavedBaseManifest[];
  /** The base this pretraining saved (null until it finishes). */
  lastSaved: SavedBaseManifest | null;
  /** The pretraining on screen: events of any other (a stopped run's late step or state) are dropped. */
  activeRunId: string | null;
  /** Pause or Stop was pressed and the Worker has not yet said the pretraining left 'running'. */
  pending: Pending;
}

export const PRETRAIN_EVENTS = new Set<string>(['pretrain-event', 'pretrain-state', 'pretrain-saved', 'bases', 'pretrain-error'] satisfies Array<PretrainWorkerEvent['type']>);

const run = { state: 'idle' as const, params: null, points: [], samples: [], step: 0, tokensPerSecond: 0, seconds: 0, error: '', lastSaved: null, activeRunId: null, pending: null };

export const usePretrain = create<PretrainState>(() => ({ settings: PRETRAIN_TAB_DEFAULTS, saved: [], ...run }));

export function setPretrainSettings(s: Partial<PretrainSettings>): void {
  usePretrain.setState((x) => ({ settings: { ...x.settings, ...s } }));
}

/** Pause or Stop was pressed: shown at once, until the Worker's next state (not 'running'). */
export function markPretrainPending(pending: Exclude<Pending, null>): void {
  usePretrain.setState({ pending });
}

/** A new pretraining on screen, about to start: only events tagged with `runId` are shown from now on. */
export function resetPretrain(runId: string): void {
  dropHeldSteps();
  usePretrain.setState({ ...run, state: 'running', activeRunId: runId });
}

/** How often, at most, step events reach the store (see held.ts: a tiny base streams many steps a second). */
export const PRETRAIN_STEP_PUBLISH_MS = 200;
type HeldSteps = { points: PretrainPoint[]; step: number; tokensPerSecond: number; seconds: number };
type StepEvent = { step: number; loss: number; tokensPerSecond: number; seconds: number };
const heldSteps = heldPublisher<StepEvent, HeldSteps>(
  PRETRAIN_STEP_PUBLISH_MS,
  (h, ev) => {
    const held = h ?? { points: [], step: ev.step, tokensPerSecond: 0, seconds: 0 };
    held.points.push({ step: ev.step, train: ev.loss });
    Object.assign(held, { step: ev.step, tokensPerSecond: ev.tokensPerSecond, seconds: ev.seconds });
    return held;
  },
  (h) => usePretrain.setState((s) => ({ step: h.step, tokensPerSecond: h.tokensPerSecond, seconds: h.seconds, points: [...s.points, ...h.points] })),
);
/** Puts the held steps' points in the store now (before any other event, so the curve keeps its order). */
export const flushPretrainSteps = heldSteps.flush;
const dropHeldSteps = heldSteps.drop;

export function applyPretrainEvent(e: PretrainWorkerEvent): void {
  const set = usePretrain.setState;
  if ('runId' in e && e.runId !== undefined && e.runId !== usePretrain.getState().activeRunId) return;
  if (e.type === 'pretrain-event' && e.event.type === 'step') {
    heldSteps.hold(e.event);
    return;
  }
  flushPretrainSteps();
  switch (e.type) {
    case 'pretrain-event': {
      const ev = e.event;
      // Steps were held above.
      if (ev.type === 'start') set({ params: ev.params });
      else if (ev.type !== 'step') {
        set((s) => ({ points: [...s.points, { step: ev.step, heldOut: ev.heldOut }], samples: [{ step: ev.step, text: ev.sample }, ...s.samples].slice(0, 6) }));
      }
      break;
    }
    case 'pretrain-state':
      set((s) => ({ state: e.state, pending: e.state === 'running' ? s.pending : null }));
      break;
    case 'pretrain-saved':
      set({ lastSaved: e.manifest });
      break;
    case 'bases':
      set({ saved: e.bases });
      break;
    case 'pretrain-error':
      // The run's own failure ends it (its 'error' state follows); a failed list or delete (no runId) only says so.
      set({ error: e.message });
      break;
  }
}

/** How a run's base is described: a shipped base's facts, a saved one's manifest, or its id and where it is missing. */
export function describeBase(id: string, saved: readonly SavedBaseManifest[]): string {
  const m = saved.find((b) => b.id === id);
  if (m) return savedBaseLabel(m);
  return isSavedBaseName(id) ? `${id} (pretrained in another browser, not saved in this one)` : baseLabel(id);
}
