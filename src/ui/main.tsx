// Browser entry point: applies the stored theme before the first paint (no inline script is
// allowed by the page's CSP, so this is the earliest place), then mounts the React app into
// #root (see index.html).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyTheme, readThemeChoice } from './theme';
import './theme.css';

applyTheme(readThemeChoice());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
