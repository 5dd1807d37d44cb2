// The ids of bases pretrained in the tab ('u-' + a slug of the name), apart from storage/saved-bases.ts
// (which re-exports them) so the Worker's first download can tell a saved base from a shipped
// one without the manifest schema's zod.

const PREFIX = 'u-';

/** The config id of a saved base named `name`: 'u-' and its name in lowercase letters, digits and dashes. */
export function savedBaseId(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
  return `${PREFIX}${slug || 'base'}`;
}

/** Whether a config's base names a saved base (not a shipped file). */
export function isSavedBaseName(id: string): boolean {
  return /^u-[a-z0-9-]{1,30}$/.test(id);
}
