// Parts of the page that load when first shown (React.lazy over a dynamic import()), so the
// first screen's script stays small: the other views, the tour, the charts, the analysis and export
// panels. `lazyNamed` takes a module's named export; `Loading` is what shows while it arrives.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import './lazy.css';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- React.lazy's own bound: a component with any props
type AnyComponent = ComponentType<any>;

/** React.lazy for a named export: `lazyNamed(() => import('./X'), 'X')`. */
export function lazyNamed<K extends string, M extends { [k in K]: AnyComponent }>(load: () => Promise<M>, name: K): LazyExoticComponent<M[K]> {
  return lazy(async () => ({ default: (await load())[name] }));
}

/** A placeholder of the size `className` gives, with words for screen readers. */
export function Loading({ what, className }: { what: string; className?: string }) {
  return (
    <div className={`ll-loading${className ? ` ${className}` : ''}`} aria-busy="true">
      <span className="ll-hint">Loading {what}…</span>
    </div>
  );
}
