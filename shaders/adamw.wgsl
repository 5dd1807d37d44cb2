// One AdamW step over a whole flat parameter buffer (PyTorch order, decoupled weight decay):
//   p ← p·(1 − lr·wd);  g = grad·gradScale;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
//   p ← p − lr·(m/bias1) / (sqrt(v/bias2) + eps)
// The hyper-parameters and the clip statistics live in storage buffers, not the uniform, so
// the learning-rate schedule and clipping change every step without rebuilding bind groups.
// stats comes from reduce.wgsl: stats[1] = gradScale, stats[2] != 0 marks a bad step
// (non-finite gradient), which leaves params, m and v untouched.

struct Params {
  n: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

// The step's hyper-parameters, written before each submit by kernels/adamw.ts writeAdamwHyper
// (bias1 = 1 − β1^t, bias2 = 1 − β2^t, computed in float64 on the host).
struct Hyper {
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  bias1: f32,
  bias2: f32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> params: array<f32>; // (n)
@group(0) @binding(2) var<storage, read> grads: array<f32>;        // (n)
@group(0) @binding(3) var<storage, read_write> m: array<f32>;      // (n)
@group(0) @binding(4) var<storage, read_write> v: array<f32>;      // (n)
@group(0) @binding(5) var<storage, read> hyper: Hyper;
@group(0) @binding(6) var<storage, read> stats: array<f32>;        // (4) [norm, gradScale, bad, 0]

// Threads per workgroup: an override set by the host (kernels/adamw.ts), which divides its
// dispatch counts by the same value.
override WG: u32;

@compute @workgroup_size(WG)
fn adamw_step(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // Linear index of a grid1d launch (folded into y past 65535 workgroups).
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n || stats[2] != 0.0) { return; }
  let lr = hyper.lr;
  let beta1 = hyper.beta1;
  let beta2 = hyper.beta2;
  let eps = hyper.eps;
  let wd = hyper.weightDecay;
  let bias1 = hyper.bias1;
  let bias2 = hyper.bias2;
  let g = grads[i] * stats[1];
  let mi = beta1 * m[i] + (1.0 - beta1) * g;
  let vi = beta2 * v[i] + (1.0 - beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  params[i] = params[i] * (1.0 - lr * wd) - (lr * (mi / bias1)) / (sqrt(vi / bias2) + eps);
}
