// The top bar's theme picker: System (the default, follows prefers-color-scheme), Light or Dark;
// the choice is kept in localStorage (theme.ts) and applied to <html> at once.
import { useState } from 'react';
import { applyTheme, readThemeChoice, storeThemeChoice, type ThemeChoice } from '../../theme';

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(readThemeChoice);
  const pick = (c: ThemeChoice) => {
    setChoice(c);
    storeThemeChoice(c);
    applyTheme(c);
  };
  return (
    <label className="ll-theme">
      <span>Theme</span>
      <select value={choice} onChange={(e) => pick(e.target.value as ThemeChoice)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
