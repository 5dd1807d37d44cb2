// The base models shipped with the app (public/models/<name>.json + .bin). A link or a saved run
// may name any identifier the config schema accepts; this list lets the page refuse an unknown
// one when the link is opened, and lets the loaders say which bases exist when a file is missing.

/** Every shipped base model, the default first. bases.test.ts checks this against public/models/. */
export const SHIPPED_BASES: readonly string[] = ['base', 'small'];

/** What a student needs to choose between the shipped bases; bases.test.ts checks it against the manifests. */
export const BASE_FACTS: Readonly<Record<string, { params: number; dModel: number; nLayers: number; steps: number }>> = {
  base: { params: 115008, dModel: 64, nLayers: 2, steps: 3000 },
  small: { params: 820352, dModel: 128, nLayers: 4, steps: 1400 },
};

/** "small: 820k parameters (d_model 128, 4 layers), pretrained 1400 steps", or the bare name. */
export function baseLabel(name: string): string {
  const f = BASE_FACTS[name];
  if (!f) return name;
  return `${name}: ${Math.round(f.params / 1000)}k parameters (d_model ${f.dModel}, ${f.nLayers} layers), pretrained ${f.steps} steps`;
}

/** The base a link falls back to (the config schema's default). */
export const DEFAULT_BASE = SHIPPED_BASES[0];

export function isShippedBase(name: string): boolean {
  return SHIPPED_BASES.includes(name);
}

/** "the shipped base models are: base", for messages about a base that could not be loaded. */
export function shippedBasesNote(): string {
  return SHIPPED_BASES.length === 1
    ? `the only shipped base model is "${SHIPPED_BASES[0]}"`
    : `the shipped base models are: ${SHIPPED_BASES.map((b) => `"${b}"`).join(', ')}`;
}
