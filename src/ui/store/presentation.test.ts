import { describe, expect, it } from 'vitest';
import { applyPresentation, readPresentation, storePresentation } from './presentation';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

describe('presentation setting', () => {
  it('is off unless stored as on, and survives a round trip', () => {
    const s = memory();
    expect(readPresentation(s)).toBe(false);
    storePresentation(true, s);
    expect(readPresentation(s)).toBe(true);
    storePresentation(false, s);
    expect(readPresentation(s)).toBe(false);
    expect(s.m.size).toBe(0);
    s.setItem('lora-lab:presentation', 'yes');
    expect(readPresentation(s)).toBe(false);
  });

  it('treats a blocked storage as off and does not throw when saving', () => {
    const blocked = { getItem: () => { throw new Error('blocked'); }, setItem: () => { throw new Error('blocked'); }, removeItem: () => { throw new Error('blocked'); } };
    expect(readPresentation(blocked)).toBe(false);
    expect(() => storePresentation(true, blocked)).not.toThrow();
    expect(readPresentation(undefined)).toBe(false);
  });

  it('marks and unmarks the root element', () => {
    const root = { dataset: {} as Record<string, string> } as unknown as HTMLElement;
    applyPresentation(true, root);
    expect(root.dataset.presentation).toBe('');
    applyPresentation(false, root);
    expect('presentation' in root.dataset).toBe(false);
  });
});
