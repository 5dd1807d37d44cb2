// Embed mode's height report: a course page cannot see inside the iframe, so the page tells its
// parent how tall it is whenever that changes ({ type: 'lora-lab:height', height } by postMessage).
// A parent that listens can size the iframe to fit; one that does not keeps the snippet's height.
import { useEffect } from 'react';

export function useEmbedHeight(on: boolean): void {
  useEffect(() => {
    if (!on || window.parent === window) return;
    let last = 0;
    const report = () => {
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ type: 'lora-lab:height', height }, '*');
    };
    const observer = new ResizeObserver(report);
    observer.observe(document.body);
    report();
    return () => observer.disconnect();
  }, [on]);
}
