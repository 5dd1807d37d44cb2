// Rotary position embedding, in place on q or k viewed as x (B, T, H, D), "rotate half"
// convention: for i < D/2 the pair (x[i], x[i + D/2]) at position t turns by
// angle = t · theta^(−2i/D):
//   rope_forward:  x[i] ← x[i]·cos − x[i+D/2]·sin,  x[i+D/2] ← x[i+D/2]·cos + x[i]·sin
//   rope_backward: the same with −angle (the transpose of the rotation), on the gradient.
// One thread per pair over a grid1d launch.
//
// Precision: the angle is never formed as one f32 product. The table holds
// u = theta^(−2i/D) / 2π (frequency in turns) as an unevaluated sum u_hi + u_lo of two f32,
// made in float64 on the CPU. t·u_hi is split into four products of ≤ 12-bit factors, each
// exact in f32, whose fractional parts (also exact) are summed in [−0.5, 0.5]; t·u_lo is a
// tiny correction. The angle, reduced to one turn, then has an error of a few 1e-7 rad at any
// position t < 2^24 (a plain f32 t · f32(inv_freq) is off by up to 1.5e-4 rad for t ≤ 4096, D = 64).
// sin and cos are minimax polynomials on [−π/4, π/4] after an exact quadrant split, so the
// accuracy does not depend on the device's sin/cos (WGSL only promises 2^-11 absolute).

struct Params {
  T: u32,
  H: u32,
  half: u32, // D / 2
  pairs: u32, // B · T · H · D/2
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>; // (B, T, H, D), rotated in place
@group(0) @binding(2) var<storage, read> freq: array<vec2<f32>>; // (D/2): (u_hi, u_lo) turns per position

// Threads per workgroup: an override set by the host (kernels/rope.ts), which divides its
// dispatch counts by the same value.
override WG: u32;
const TWO_PI = 6.28318530717958647692;

fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// v minus the nearest integer, in [−0.5, 0.5]; exact for every f32 v.
fn centered(v: f32) -> f32 {
  return v - round(v);
}

// (cos, sin) of the angle t · 2π · (u_hi + u_lo), for t < 2^24.
fn rope_cos_sin(t: u32, u: vec2<f32>) -> vec2<f32> {
  // u_hi = ua + ub with ua its top 12 significand bits and ub the rest (≤ 12 bits);
  // t = th + tl with th a multiple of 4096 (≤ 12 significant bits) and tl < 4096.
  let ua = bitcast<f32>(bitcast<u32>(u.x) & 0xFFFFF000u);
  let ub = u.x - ua;
  let tl = t & 0xFFFu;
  let fh = f32(t - tl);
  let fl = f32(tl);
  var s = centered(fh * ua);
  s = centered(s + centered(fh * ub));
  s = centered(s + centered(fl * ua));
  s = centered(s + centered(fl * ub));
  s = centered(s + f32(t) * u.y); // turns, in [−0.5, 0.5]
  // Quadrant q and remainder r ∈ [−1/8, 1/8] turns; both steps are exact.
  let q = round(4.0 * s);
  let r = (s - 0.25 * q) * TWO_PI;
  let z = r * r;
  // Cephes sinf / cosf polynomials for |r| ≤ π/4 (relative error ~1e-7).
  let sn = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  let cs = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  switch ((i32(q) + 4) & 3) {
    case 1: { return vec2<f32>(-sn, cs); }
    case 2: { return vec2<f32>(-cs, -sn); }
    case 3: { return vec2<f32>(sn, -cs); }
    default: { return vec2<f32>(cs, sn); }
  }
}

// Rotates pair `k` (over (B, T, H, D/2)) by `sign` · angle.
fn rotate(k: u32, sign: f32) {
  let i = k % p.half;
  let row = k / p.half; // over (B, T, H)
  let t = (row / p.H) % p.T;
  let cs = rope_cos_sin(t, freq[i]);
  let sn = sign * cs.y;
  let o = row * 2u * p.half + i;
  let x1 = x[o];
  let x2 = x[o + p.half];
  x[o] = x1 * cs.x - x2 * sn;
  x[o + p.half] = x2 * cs.x + x1 * sn;
}

@compute @workgroup_size(WG)
fn rope_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let k = flat_index(gid, nwg);
  if (k >= p.pairs) { return; }
  rotate(k, 1.0);
}

@compute @workgroup_size(WG)
fn rope_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let k = flat_index(gid, nwg);
  if (k >= p.pairs) { return; }
  rotate(k, -1.0);
}
