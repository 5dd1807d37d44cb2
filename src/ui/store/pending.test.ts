// Pause and Stop show at once: the store holds "pausing" or "stopping" from the click until the
// Worker's next state that is not 'running' (a 'running' crossing the click on its way keeps it),
// and an error, a lost device, a replaced Worker or a new run clears it. The same for sweeps and
// pretraining.
import { beforeEach, describe, expect, it } from 'vitest';
import { PRESETS } from '../../experiment/config';
import { SWEEP_PRESETS } from '../../experiment/sweep/presets';
import { runStatusText } from '../components/status-text';
import { applyPretrainEvent, markPretrainPending, resetPretrain, usePretrain } from './pretrain';
import { applyEvent, clearExperiment, markPending, resetExperiment, useExperiment, workerLost } from './experiment';
import { applySweepEvent, markSweepPending, resetSweep, useSweep } from './sweep';

const config = PRESETS['english-code'].config;
const status = () => {
  const s = useExperiment.getState();
  return runStatusText(s.state, s.step, s.config?.steps ?? null, s.pending);
};

beforeEach(() => clearExperiment());

describe('pausing and stopping', () => {
  it('says "Pausing…" from the click until the Worker says paused, never "running at step 0"', () => {
    resetExperiment(config, 'a');
    expect(status()).toBe('running: evaluating the base model, then step 1 of 200.');
    markPending('pausing');
    expect(status()).toMatch(/^Pausing… /);
    // The loop's own 'running' (it had just started) does not undo the click.
    applyEvent({ type: 'state', state: 'running', step: 0, runId: 'a' });
    expect(useExperiment.getState().pending).toBe('pausing');
    applyEvent({ type: 'state', state: 'paused', step: 0, runId: 'a' });
    expect(useExperiment.getState().pending).toBeNull();
    expect(status()).toBe('paused at step 0 of 200.');
  });

  it('says "Stopping…" until stopped, and a run that ends another way clears it', () => {
    resetExperiment(config, 'a');
    applyEvent({ type: 'state', state: 'running', step: 3, runId: 'a' });
    markPending('stopping');
    expect(status()).toBe('Stopping… The Worker finishes the work in hand first (at step 3 of 200).');
    applyEvent({ type: 'state', state: 'stopped', step: 4, runId: 'a' });
    expect(status()).toBe('stopped at step 4 of 200.');
    resetExperiment(config, 'b');
    markPending('stopping');
    applyEvent({ type: 'error', message: 'boom', runId: 'b' });
    expect(useExperiment.getState()).toMatchObject({ state: 'error', pending: null });
    resetExperiment(config, 'c');
    markPending('pausing');
    workerLost('The training Worker crashed.');
    expect(useExperiment.getState().pending).toBeNull();
    markPending('stopping');
    resetExperiment(config, 'd');
    expect(useExperiment.getState().pending).toBeNull();
  });

  it('a sweep shows its pause or stop until the Worker confirms it', () => {
    resetSweep('s', SWEEP_PRESETS['lr-code'].sweep, 'lr-code');
    markSweepPending('stopping');
    applySweepEvent({ type: 'sweep-event', id: 's', event: { type: 'sweep-state', state: 'running', group: 0 } });
    expect(useSweep.getState().pending).toBe('stopping');
    applySweepEvent({ type: 'sweep-event', id: 's', event: { type: 'sweep-state', state: 'stopped', group: 0 } });
    expect(useSweep.getState()).toMatchObject({ state: 'stopped', pending: null });
  });

  it('a pretraining shows its pause until the Worker confirms it', () => {
    resetPretrain('p');
    markPretrainPending('pausing');
    applyPretrainEvent({ type: 'pretrain-state', state: 'running', runId: 'p' });
    expect(usePretrain.getState().pending).toBe('pausing');
    applyPretrainEvent({ type: 'pretrain-state', state: 'paused', runId: 'p' });
    expect(usePretrain.getState()).toMatchObject({ state: 'paused', pending: null });
  });
});
