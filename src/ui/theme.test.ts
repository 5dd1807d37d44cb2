// The theme choice: system by default, a stored pick overrides it, and only a pick sets data-theme.
import { describe, expect, it } from 'vitest';
import { applyTheme, readThemeChoice, resolveTheme, storeThemeChoice } from './theme';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

describe('theme', () => {
  it('follows the system unless a theme is picked', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
  it('stores a pick, forgets it for system, and ignores unknown or unreadable values', () => {
    const s = memoryStorage();
    expect(readThemeChoice(s)).toBe('system');
    storeThemeChoice('dark', s);
    expect(readThemeChoice(s)).toBe('dark');
    storeThemeChoice('system', s);
    expect(s.m.size).toBe(0);
    s.setItem('lora-lab:theme', 'purple');
    expect(readThemeChoice(s)).toBe('system');
    expect(readThemeChoice({ getItem: () => { throw new Error('blocked'); } })).toBe('system');
  });
  it('sets data-theme only for an explicit pick', () => {
    const root = { dataset: {} as Record<string, string> } as unknown as HTMLElement;
    applyTheme('dark', root);
    expect(root.dataset.theme).toBe('dark');
    applyTheme('system', root);
    expect(root.dataset.theme).toBeUndefined();
  });
});
