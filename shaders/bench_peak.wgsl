// Device-peak probes for the benchmark suite (src/engine/kernels/bench_peak.ts).
// fma_peak: compute-bound, 4 independent vec4 FMA chains per thread so the ALUs see enough
// independent work; the multiplier and addend come from the uniform and every chain's result
// is written out, so the compiler can neither fold nor drop the loop (the host checks it).
// copy_peak: memory-bound vec4 copy, one read and one write per element.

struct FmaParams {
  n: u32,      // threads with work
  iters: u32,  // loop trips; each does 4 vec4 FMAs (32 FLOPs)
  mul: f32,
  add: f32,
}

struct CopyParams {
  n: u32,      // vec4 elements
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

// Threads per workgroup: an override set by the host (kernels/bench_peak.ts), which divides
// its dispatch counts by the same value.
override WG: u32;

@group(0) @binding(0) var<uniform> fp: FmaParams;
@group(0) @binding(1) var<storage, read_write> fma_out: array<f32>; // (n)

@compute @workgroup_size(WG)
fn fma_peak(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= fp.n) { return; }
  // Start values depend on the thread, so no two threads compute the same thing.
  let s = f32(i % 1024u) * (1.0 / 1024.0);
  var a0 = vec4<f32>(s, s + 0.125, s + 0.25, s + 0.375);
  var a1 = a0 + vec4<f32>(0.5);
  var a2 = a0 - vec4<f32>(0.5);
  var a3 = a0 * 0.5;
  let m = vec4<f32>(fp.mul);
  let c = vec4<f32>(fp.add);
  for (var k = 0u; k < fp.iters; k++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
  }
  let t = a0 + a1 + a2 + a3;
  fma_out[i] = t.x + t.y + t.z + t.w;
}

@group(0) @binding(0) var<uniform> cp: CopyParams;
@group(0) @binding(1) var<storage, read> copy_src: array<vec4<f32>>;        // (n)
@group(0) @binding(2) var<storage, read_write> copy_dst: array<vec4<f32>>;  // (n)

@compute @workgroup_size(WG)
fn copy_peak(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= cp.n) { return; }
  copy_dst[i] = copy_src[i];
}
