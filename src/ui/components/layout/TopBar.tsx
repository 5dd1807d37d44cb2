// The compact top bar: the app's name, whether WebGPU is ready, the view tabs, the share menu,
// the presentation switch (larger type, one chart per row) and the theme picker, and the glossary. In embed mode it shrinks to the name and a link that opens the full page.
import type { ReactNode } from 'react';
import { GlossaryButton } from '../../glossary/GlossaryPanel';
import { PresentationToggle } from './PresentationToggle';
import { ShareMenu } from './ShareMenu';
import { ThemeToggle } from './ThemeToggle';

export function TopBar({ embed, badge, tabs }: { embed: boolean; badge: ReactNode; tabs: ReactNode }) {
  if (embed) {
    const full = new URL(window.location.href);
    full.searchParams.delete('embed');
    full.searchParams.delete('hide');
    return (
      <header className="ll-topbar ll-topbar-embed">
        <h1 className="ll-brand">LoRA Lab</h1>
        <a href={full.toString()} target="_blank" rel="noreferrer">Open the full playground ↗</a>
      </header>
    );
  }
  return (
    <header className="ll-topbar">
      <a className="ll-skip" href="#ll-main">Skip to content</a>
      <h1 className="ll-brand">LoRA Lab</h1>
      {badge}
      <nav className="ll-nav" aria-label="Views">{tabs}</nav>
      <div className="ll-topbar-tools">
        <GlossaryButton />
        <ShareMenu />
        <PresentationToggle />
        <ThemeToggle />
      </div>
    </header>
  );
}
