// The one pause/stop state machine of a training loop, shared by the experiment runner and the
// sweep runner: Pause and Stop only set a flag (they may come from another task while the loop
// awaits the GPU), the loop reads them at its next step boundary, and the state the page sees
// (idle → running → paused | stopped | done | error) is set, and reported through `report`, here.

import type { RunState } from '../protocol';

export class Playback {
  state: RunState = 'idle';
  private pauseRequested = false;
  private stopRequested = false;

  constructor(private readonly report: (s: RunState) => void) {}

  /** A loop starts: a pause asked for before it is forgotten (a stop is not). The loop then sets 'running'. */
  forgetPause(): void {
    this.pauseRequested = false;
  }

  pause(): void {
    this.pauseRequested = true;
  }

  stop(): void {
    this.stopRequested = true;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Whether the loop should take no further step (a pause or a stop was asked for). */
  get halting(): boolean {
    return this.pauseRequested || this.stopRequested;
  }

  /** A pause was asked for and the loop has not yet stopped for it. */
  get pausing(): boolean {
    return this.pauseRequested && this.state === 'running';
  }

  /** The loop exited: done when it finished, else stopped or paused, as asked. */
  end(finished: boolean): RunState {
    return this.set(finished ? 'done' : this.stopRequested ? 'stopped' : 'paused');
  }

  set(s: RunState): RunState {
    this.state = s;
    this.report(s);
    return s;
  }

  /** Sets the state without reporting it: a restored checkpoint's, or a failure its owner reports itself. */
  setQuietly(s: RunState): void {
    this.state = s;
  }
}

/** What a runner with a Playback offers its owner (the Worker's hosts, the CLI): written once for both runners. */
export abstract class PlaybackControls {
  protected abstract readonly playback: Playback;

  get state(): RunState {
    return this.playback.state;
  }

  pause(): void {
    this.playback.pause();
  }

  /** A pause was asked for and the loop has not yet stopped for it. */
  get pausing(): boolean {
    return this.playback.pausing;
  }

  stop(): void {
    this.playback.stop();
  }
}
