// "Kernel variants" in the Diagnostics view: force one implementation of matmul, attention
// or the row reductions instead of the autotuner's per-adapter choice, to compare them on
// this GPU. Applies to runs started after the change.
import { useState } from 'react';
import {
  KERNEL_FAMILY_LABELS, KERNEL_VARIANT_CHOICES, isAllAuto, type KernelFamily, type KernelVariantSettings,
} from '../../../experiment/kernel-settings';
import { setKernelVariants } from '../../store/client';
import { loadKernelVariants } from '../../store/kernel-variants';
import { SelectField } from '../controls/NumberField';

const NOTE: Record<string, string> = {
  auto: 'auto: timed on this GPU',
  register: 'register-blocked (no workgroup memory)',
  tiled: 'workgroup-memory tiles',
  thread: 'one thread per row',
  workgroup: 'one workgroup per row',
};

export function KernelSettings() {
  const [s, setS] = useState<KernelVariantSettings>(loadKernelVariants);
  const change = (family: KernelFamily, v: string) => {
    const next = { ...s, [family]: v } as KernelVariantSettings;
    setS(next);
    setKernelVariants(next);
  };
  return (
    <section className="ll-kernel-settings" aria-labelledby="kernel-settings-title">
      <h3 id="kernel-settings-title">Kernel variants</h3>
      <p className="ll-hint">
        Each hot kernel has an implementation for CPU emulators and integrated GPUs and one that shares work across a
        workgroup, written for discrete GPUs. On “auto” the engine times both on this adapter once and remembers the faster;
        a choice here forces one for the next run (the engine check, an experiment or a sweep started after the change).
      </p>
      {(Object.keys(KERNEL_VARIANT_CHOICES) as KernelFamily[]).map((family) => (
        <SelectField
          key={family}
          label={KERNEL_FAMILY_LABELS[family]}
          value={s[family]}
          options={KERNEL_VARIANT_CHOICES[family].map((v) => [v, v === 'auto' ? NOTE.auto : `${v}: ${NOTE[v]}`] as const)}
          onChange={(v) => change(family, v)}
        />
      ))}
      <p role="status" className="ll-hint" data-testid="kernel-variants-state">
        {isAllAuto(s) ? 'Nothing forced: the autotuner chooses.' : `Forced: ${(Object.keys(s) as KernelFamily[]).filter((f) => s[f] !== 'auto').map((f) => `${f} ${s[f]}`).join(', ')}.`}
      </p>
    </section>
  );
}
