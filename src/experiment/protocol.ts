// Typed messages between the page and the training Worker. The Worker owns the GPU device;
// the page only sends commands and renders events.

export interface DemoMethod {
  id: string;
  label: string;
  mode: 'full' | 'lora';
  lr: number;
  rank?: number;
}

export type WorkerCommand = { type: 'demo'; pretrainSteps: number; steps: number; seed: number };

export type WorkerEvent =
  | { type: 'ready'; adapter: string; software: boolean }
  | { type: 'demo-start'; methods: Array<DemoMethod & { trainableParams: number; dispatchesPerStep: number }> }
  | { type: 'demo-step'; method: string; step: number; loss: number; ms: number }
  | { type: 'demo-done' }
  | { type: 'error'; message: string };
