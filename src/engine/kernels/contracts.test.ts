// Host/shader contracts, checked statically for every kernel module and every shader:
// each shader's `struct Params` must list the module's uniform description (names and
// types, in order, then only trailing _pad fields up to a 16-byte multiple), and so must a
// storage struct the host writes by name (AdamW's `hyper`); its `override`
// declarations must be exactly the module's constants, with no default in the shader (the
// module is the one place the sizes are written); every @workgroup_size uses them; and each
// entry point's binding list names, in binding order, exactly the storage variables the entry
// point (with the functions it calls) uses. The checks are proven to catch a swapped field, a
// wrong type, a second copy of a size and swapped or missing bindings.
import { describe, expect, it } from 'vitest';
import adamwCode from '../../../shaders/adamw.wgsl?raw';
import benchPeakCode from '../../../shaders/bench_peak.wgsl?raw';
import attentionCode from '../../../shaders/attention.wgsl?raw';
import attentionFwdOnlyCode from '../../../shaders/attention_fwd_only.wgsl?raw';
import crossEntropyCode from '../../../shaders/cross_entropy.wgsl?raw';
import embeddingCode from '../../../shaders/embedding.wgsl?raw';
import reduceCode from '../../../shaders/reduce.wgsl?raw';
import residualCode from '../../../shaders/residual.wgsl?raw';
import rmsnormCode from '../../../shaders/rmsnorm.wgsl?raw';
import ropeCode from '../../../shaders/rope.wgsl?raw';
import swigluCode from '../../../shaders/swiglu.wgsl?raw';
import loraMergeCode from '../../../shaders/lora_merge.wgsl?raw';
import attentionWgCode from '../../../shaders/attention_wg.wgsl?raw';
import rmsnormWgCode from '../../../shaders/rmsnorm_wg.wgsl?raw';
import crossEntropyWgCode from '../../../shaders/cross_entropy_wg.wgsl?raw';
import loraDropoutCode from '../../../shaders/lora_dropout.wgsl?raw';
import loraFusedCode from '../../../shaders/lora_fused.wgsl?raw';
import loraMatmulCode from '../../../shaders/lora_matmul.wgsl?raw';
import matmulCode from '../../../shaders/matmul.wgsl?raw';
import matmulTiledCode from '../../../shaders/matmul_tiled.wgsl?raw';
import { ADAMW_BINDINGS, ADAMW_CONSTANTS, ADAMW_HYPER, ADAMW_PARAMS } from './adamw';
import {
  ATTENTION_BINDINGS, ATTENTION_CONSTANTS, ATTENTION_FWD_ONLY_BINDINGS, ATTENTION_PARAMS, ATTENTION_VARIANT_CONSTANTS, ATTENTION_WG_BINDINGS,
} from './attention';
import { BENCH_PEAK_BINDINGS, BENCH_PEAK_CONSTANTS, COPY_PEAK_PARAMS, FMA_PEAK_PARAMS } from './bench_peak';
import { packUniform, type BindingList, type KernelConstants, type UniformStruct } from './contract';
import {
  CROSS_ENTROPY_BINDINGS, CROSS_ENTROPY_CONSTANTS, CROSS_ENTROPY_PARAMS, CROSS_ENTROPY_WG_BINDINGS, CROSS_ENTROPY_WG_CONSTANTS,
} from './cross_entropy';
import { EMBEDDING_BINDINGS, EMBEDDING_CONSTANTS, EMBEDDING_PARAMS } from './embedding';
import { REDUCE_BINDINGS, REDUCE_CONSTANTS, REDUCE_PARAMS } from './reduce';
import { RESIDUAL_BINDINGS, RESIDUAL_CONSTANTS, RESIDUAL_PARAMS } from './residual';
import { RMSNORM_BINDINGS, RMSNORM_CONSTANTS, RMSNORM_PARAMS, RMSNORM_WG_BINDINGS, RMSNORM_WG_CONSTANTS } from './rmsnorm';
import { ROPE_BINDINGS, ROPE_CONSTANTS, ROPE_PARAMS } from './rope';
import { SWIGLU_BINDINGS, SWIGLU_CONSTANTS, SWIGLU_PARAMS } from './swiglu';
import { LORA_DROPOUT_BINDINGS, LORA_DROPOUT_CONSTANTS, LORA_DROPOUT_PARAMS } from './lora_dropout';
import { LORA_FUSED_BINDINGS, LORA_FUSED_CONSTANTS, LORA_FUSED_PARAMS } from './lora_fused';
import { LORA_MATMUL_BINDINGS, LORA_MATMUL_CONSTANTS, LORA_MATMUL_PARAMS } from './lora_matmul';
import { LORA_MERGE_BINDINGS, LORA_MERGE_CONSTANTS, LORA_MERGE_PARAMS } from './lora_merge';
import { MATMUL_BINDINGS, MATMUL_CONSTANTS, MATMUL_PARAMS } from './matmul';

interface KernelContract {
  code: string;
  constants: KernelConstants;
  /** The one `var<uniform>`'s struct; a shader with several uniforms lists them in `structs`. */
  params?: UniformStruct;
  bindings: Readonly<Record<string, BindingList>>;
  /** Other structs the host packs by field name (storage, or one uniform per entry point): WGSL variable → description. */
  structs?: Readonly<Record<string, UniformStruct>>;
}

const KERNELS: Record<string, KernelContract> = {
  adamw: { code: adamwCode, constants: ADAMW_CONSTANTS, params: ADAMW_PARAMS, bindings: ADAMW_BINDINGS, structs: { hyper: ADAMW_HYPER } },
  attention: { code: attentionCode, constants: ATTENTION_CONSTANTS, params: ATTENTION_PARAMS, bindings: ATTENTION_BINDINGS },
  attention_fwd_only: {
    code: attentionFwdOnlyCode, constants: ATTENTION_CONSTANTS, params: ATTENTION_PARAMS, bindings: ATTENTION_FWD_ONLY_BINDINGS,
  },
  cross_entropy: { code: crossEntropyCode, constants: CROSS_ENTROPY_CONSTANTS, params: CROSS_ENTROPY_PARAMS, bindings: CROSS_ENTROPY_BINDINGS },
  embedding: { code: embeddingCode, constants: EMBEDDING_CONSTANTS, params: EMBEDDING_PARAMS, bindings: EMBEDDING_BINDINGS },
  reduce: { code: reduceCode, constants: REDUCE_CONSTANTS, params: REDUCE_PARAMS, bindings: REDUCE_BINDINGS },
  residual: { code: residualCode, constants: RESIDUAL_CONSTANTS, params: RESIDUAL_PARAMS, bindings: RESIDUAL_BINDINGS },
  rmsnorm: { code: rmsnormCode, constants: RMSNORM_CONSTANTS, params: RMSNORM_PARAMS, bindings: RMSNORM_BINDINGS },
  rope: { code: ropeCode, constants: ROPE_CONSTANTS, params: ROPE_PARAMS, bindings: ROPE_BINDINGS },
  swiglu: { code: swigluCode, constants: SWIGLU_CONSTANTS, params: SWIGLU_PARAMS, bindings: SWIGLU_BINDINGS },
  lora_merge: { code: loraMergeCode, constants: LORA_MERGE_CONSTANTS, params: LORA_MERGE_PARAMS, bindings: LORA_MERGE_BINDINGS },
  lora_dropout: { code: loraDropoutCode, constants: LORA_DROPOUT_CONSTANTS, params: LORA_DROPOUT_PARAMS, bindings: LORA_DROPOUT_BINDINGS },
  lora_matmul: { code: loraMatmulCode, constants: LORA_MATMUL_CONSTANTS, params: LORA_MATMUL_PARAMS, bindings: LORA_MATMUL_BINDINGS },
  lora_fused: { code: loraFusedCode, constants: LORA_FUSED_CONSTANTS, params: LORA_FUSED_PARAMS, bindings: LORA_FUSED_BINDINGS },
  bench_peak: {
    code: benchPeakCode, constants: BENCH_PEAK_CONSTANTS, bindings: BENCH_PEAK_BINDINGS, structs: { fp: FMA_PEAK_PARAMS, cp: COPY_PEAK_PARAMS },
  },
  // matmul's two variants share one uniform and one binding description.
  matmul: { code: matmulCode, constants: MATMUL_CONSTANTS.register, params: MATMUL_PARAMS, bindings: MATMUL_BINDINGS },
  matmul_tiled: { code: matmulTiledCode, constants: MATMUL_CONSTANTS.tiled, params: MATMUL_PARAMS, bindings: MATMUL_BINDINGS },
  // The 'workgroup' variants share their 'thread' twins' uniform and binding descriptions.
  attention_wg: {
    code: attentionWgCode, constants: ATTENTION_VARIANT_CONSTANTS.workgroup, params: ATTENTION_PARAMS, bindings: ATTENTION_WG_BINDINGS,
  },
  rmsnorm_wg: { code: rmsnormWgCode, constants: RMSNORM_WG_CONSTANTS, params: RMSNORM_PARAMS, bindings: RMSNORM_WG_BINDINGS },
  cross_entropy_wg: {
    code: crossEntropyWgCode, constants: CROSS_ENTROPY_WG_CONSTANTS, params: CROSS_ENTROPY_PARAMS, bindings: CROSS_ENTROPY_WG_BINDINGS,
  },
};

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/**
 * [name, type] of the fields of the struct bound as `var<uniform> p: Params` or, given a
 * variable name, as `var<storage, …> name: Struct`.
 */
function structFields(code: string, variable?: string): [string, string][] {
  const src = stripComments(code);
  const bound = variable
    ? new RegExp(`var<(?:uniform|storage[^>]*)>\\s+${variable}\\s*:\\s*(\\w+)\\s*;`).exec(src)
    : /var<uniform>\s+\w+\s*:\s*(\w+)\s*;/.exec(src);
  if (!bound) throw new Error(`no var<uniform> declaration${variable ? ` or var<storage> of ${variable}` : ''}`);
  const struct = new RegExp(`struct\\s+${bound[1]}\\s*\\{([^}]*)\\}`).exec(src);
  if (!struct) throw new Error(`no struct ${bound[1]}`);
  return struct[1]!
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0)
    .map((f) => {
      const m = /^(\w+)\s*:\s*(\w+)$/.exec(f);
      if (!m) throw new Error(`unparsed field "${f}"`);
      return [m[1]!, m[2]!];
    });
}

/** Problems with a shader's uniform struct (or the struct of variable `variable`) against a host description; empty when they agree. */
function uniformProblems(code: string, params: UniformStruct, variable?: string): string[] {
  const fields = structFields(code, variable);
  const host = Object.entries(params);
  const problems: string[] = [];
  const real = fields.slice(0, host.length);
  if (JSON.stringify(real) !== JSON.stringify(host)) {
    problems.push(`fields ${JSON.stringify(real)} != host ${JSON.stringify(host)}`);
  }
  const rest = fields.slice(host.length);
  if (rest.some(([n, t]) => !n.startsWith('_pad') || t !== 'u32')) problems.push(`extra fields ${JSON.stringify(rest)}`);
  if (fields.length % 4 !== 0) problems.push(`${fields.length} fields is not a 16-byte multiple`);
  return problems;
}

/** Problems with a shader's override constants and workgroup sizes against the host's constants. */
function sizeProblems(code: string, constants: KernelConstants): string[] {
  const src = stripComments(code);
  const problems: string[] = [];
  const overrides = [...src.matchAll(/override\s+(\w+)\s*(?::\s*(\w+))?\s*(=[^;]*)?;/g)];
  for (const [, name, type, init] of overrides) {
    if (init) problems.push(`override ${name} has a default in the shader`);
    if (type !== 'u32') problems.push(`override ${name} is ${type ?? 'untyped'}, not u32`);
  }
  const names = overrides.map((m) => m[1]).sort();
  const host = Object.keys(constants).sort();
  if (JSON.stringify(names) !== JSON.stringify(host)) problems.push(`overrides ${names} != host constants ${host}`);
  for (const [, arg] of src.matchAll(/@workgroup_size\(([^)]*)\)/g)) {
    // One thread on purpose (cross_entropy_stats) is the only literal size allowed.
    if (arg!.trim() !== '1' && !arg!.split(',').every((a) => host.includes(a.trim()))) {
      problems.push(`@workgroup_size(${arg}) is not made of the override constants`);
    }
  }
  if (/\bconst\s+WG\b/.test(src)) problems.push('a const WG duplicates the workgroup size');
  return problems;
}

/** Body of `fn name(...) ... { ... }`, by brace matching. */
function fnBody(src: string, name: string): string {
  const m = new RegExp(`\\bfn\\s+${name}\\s*\\(`).exec(src);
  if (!m) throw new Error(`no fn ${name}`);
  let i = src.indexOf('{', m.index);
  const start = i;
  for (let depth = 0; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return src.slice(start, i + 1);
  }
  throw new Error(`unbalanced fn ${name}`);
}

/** Identifiers an entry point reaches, through the module's functions it calls (not member names). */
function reachedIdentifiers(src: string, entry: string): Set<string> {
  const fns = new Set([...src.matchAll(/\bfn\s+(\w+)/g)].map((m) => m[1]!));
  const seen = new Set<string>();
  const ids = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const [, id] of fnBody(src, f).matchAll(/(?<![.\w])([A-Za-z_]\w*)/g)) {
      ids.add(id!);
      if (fns.has(id!)) visit(id!);
    }
  };
  visit(entry);
  return ids;
}

/** Problems with an entry point's binding list against the shader; empty when they agree. */
function bindingProblems(code: string, entry: string, list: BindingList): string[] {
  const src = stripComments(code);
  const vars = new Map<string, number>();
  const uniformVars = new Set<string>();
  for (const [, n, space, name] of src.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var(<[^>]*>)?\s+(\w+)/g)) {
    if (space?.startsWith('<uniform')) uniformVars.add(name!);
    else vars.set(name!, Number(n));
  }
  const used = [...reachedIdentifiers(src, entry)].filter((id) => vars.has(id)).sort();
  const listed = Object.values(list);
  const reached = reachedIdentifiers(src, entry);
  const first = [...uniformVars].some((u) => reached.has(u)) ? 1 : 0; // tensors follow the uniform
  const problems: string[] = [];
  if (JSON.stringify([...listed].sort()) !== JSON.stringify(used)) problems.push(`${entry} uses [${used}], host binds [${listed}]`);
  listed.forEach((v, i) => {
    if (vars.get(v) !== first + i) problems.push(`${entry}: ${v} is @binding(${vars.get(v)}), host binds it at ${first + i}`);
  });
  return problems;
}

describe('host/shader contracts', () => {
  it('every shader in shaders/ has a contract here, under its file name', () => {
    const files = Object.keys(import.meta.glob('../../../shaders/*.wgsl')).map((f) => f.replace(/^.*\/(\w+)\.wgsl$/, '$1'));
    expect(Object.keys(KERNELS).sort()).toEqual(files.sort());
  });

  for (const [name, k] of Object.entries(KERNELS)) {
    it(`${name}: uniform description matches the shader's struct`, () => {
      if (k.params) expect(uniformProblems(k.code, k.params)).toEqual([]);
      for (const [variable, struct] of Object.entries(k.structs ?? {})) expect(uniformProblems(k.code, struct, variable)).toEqual([]);
    });
    it(`${name}: sizes come from the host's override constants`, () => {
      expect(sizeProblems(k.code, k.constants)).toEqual([]);
    });
    it(`${name}: every entry point's bindings match the shader`, () => {
      const entries = [...stripComments(k.code).matchAll(/@compute[^f]*fn\s+(\w+)/g)].map((m) => m[1]).sort();
      expect(Object.keys(k.bindings).sort()).toEqual(entries);
      for (const [entry, list] of Object.entries(k.bindings)) expect(bindingProblems(k.code, entry, list)).toEqual([]);
    });
  }

  it('catches a swapped field, a wrong type, a missing field and a padded struct that is too short', () => {
    const code = rmsnormCode;
    expect(uniformProblems(code, { C: 'u32', N: 'u32', eps: 'f32', accumulate: 'u32' })).not.toEqual([]);
    expect(uniformProblems(code, { N: 'u32', C: 'u32', eps: 'u32', accumulate: 'u32' })).not.toEqual([]);
    expect(uniformProblems(code, { N: 'u32', C: 'u32', eps: 'f32' })).not.toEqual([]);
    expect(uniformProblems(adamwCode.replace('  _pad2: u32,\n', ''), ADAMW_PARAMS)).not.toEqual([]);
    // A storage struct written by name: swapped fields of AdamW's hyper-parameters.
    const swapped = adamwCode.replace('  bias1: f32,\n  bias2: f32,', '  bias2: f32,\n  bias1: f32,');
    expect(swapped).not.toBe(adamwCode);
    expect(uniformProblems(swapped, ADAMW_HYPER, 'hyper')).not.toEqual([]);
  });

  it('catches a size written twice, a literal workgroup size and a constant the shader lacks', () => {
    expect(sizeProblems(rmsnormCode.replace('override WG: u32;', 'override WG: u32 = 64u;'), RMSNORM_CONSTANTS)).not.toEqual([]);
    expect(sizeProblems(rmsnormCode.replace('@workgroup_size(WG)', '@workgroup_size(64)'), RMSNORM_CONSTANTS)).not.toEqual([]);
    expect(sizeProblems(rmsnormCode, { WG: 64, ITEMS: 4 })).not.toEqual([]);
    expect(sizeProblems(`${rmsnormCode}\nconst WG = 64u;`, {})).not.toEqual([]);
  });

  it('catches swapped, missing and extra bindings', () => {
    const fwd = RMSNORM_BINDINGS.rmsnorm_forward;
    expect(bindingProblems(rmsnormCode, 'rmsnorm_forward', { w: fwd.w, x: fwd.x, out: fwd.out, rstd: fwd.rstd })).not.toEqual([]);
    expect(bindingProblems(rmsnormCode, 'rmsnorm_forward', { x: fwd.x, w: fwd.w, out: fwd.out })).not.toEqual([]);
    expect(bindingProblems(rmsnormCode, 'rmsnorm_forward', { ...fwd, extra: 'b_dx' })).not.toEqual([]);
    // A variable reached only through a called function still counts (rope's rotate).
    expect(bindingProblems(ropeCode, 'rope_forward', { x: 'x' })).not.toEqual([]);
  });
});

describe('packUniform', () => {
  it('orders values by the description, not by the object passed', () => {
    expect(packUniform(RMSNORM_PARAMS, { accumulate: 1, eps: 0.5, C: 3, N: 2 })).toEqual([
      ['u32', 2], ['u32', 3], ['f32', 0.5], ['u32', 1],
    ]);
  });

  it('rejects unknown and missing fields', () => {
    expect(() => packUniform(REDUCE_PARAMS, { n: 1, P: 1, maxNorm: 0, extra: 2 } as never)).toThrow(/extra/);
    expect(() => packUniform(REDUCE_PARAMS, { n: 1, P: 1 } as never)).toThrow(/maxNorm/);
  });
});
