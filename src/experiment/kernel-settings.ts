// The page's setting that forces kernel variants (issue 10: "a setting can force a variant"):
// matmul, attention and the row reductions each run 'auto' (the autotuner's choice per adapter)
// or one named variant. The page keeps it in localStorage and sends it to the Worker, which
// puts it on the kernel context, so runs built after a change use it. Parsing never throws:
// a stored value from another version falls back to 'auto' field by field.

/** The choices per kernel family, 'auto' first (the engine's KernelVariants names). */
export const KERNEL_VARIANT_CHOICES = {
  matmul: ['auto', 'register', 'tiled'],
  attention: ['auto', 'thread', 'workgroup'],
  rows: ['auto', 'thread', 'workgroup'],
} as const;

export type KernelFamily = keyof typeof KERNEL_VARIANT_CHOICES;

export type KernelVariantSettings = { [K in KernelFamily]: (typeof KERNEL_VARIANT_CHOICES)[K][number] };

export const DEFAULT_KERNEL_VARIANTS: KernelVariantSettings = { matmul: 'auto', attention: 'auto', rows: 'auto' };

/** What each family is, for labels. */
export const KERNEL_FAMILY_LABELS: Record<KernelFamily, string> = {
  matmul: 'Matmul (projections, LM head)',
  attention: 'Attention',
  rows: 'Row reductions (RMSNorm, cross-entropy)',
};

/** Settings from anything (a JSON string from storage, a parsed object); unknown values become 'auto'. */
export function parseKernelVariants(raw: unknown): KernelVariantSettings {
  let v: unknown = raw;
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw);
    } catch {
      v = null;
    }
  }
  const out: KernelVariantSettings = { ...DEFAULT_KERNEL_VARIANTS };
  if (v === null || typeof v !== 'object') return out;
  for (const family of Object.keys(KERNEL_VARIANT_CHOICES) as KernelFamily[]) {
    const x = (v as Record<string, unknown>)[family];
    if ((KERNEL_VARIANT_CHOICES[family] as readonly unknown[]).includes(x)) (out as Record<KernelFamily, string>)[family] = x as string;
  }
  return out;
}

/** True when nothing is forced. */
export function isAllAuto(s: KernelVariantSettings): boolean {
  return s.matmul === 'auto' && s.attention === 'auto' && s.rows === 'auto';
}
