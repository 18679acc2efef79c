// What the charts share: whether this page can draw, the theme's colours, uPlot itself (loaded on
// first use), and a chart that follows its host's width until it is stopped.
import type uPlot from 'uplot';

/** uPlot needs a canvas and matchMedia; unit tests (jsdom) have neither, and show only the tables. */
export function canDraw(): boolean {
  return typeof window.matchMedia === 'function' && !!document.createElement('canvas').getContext?.('2d');
}

/** A theme colour from its CSS variable, so a chart reads in light and dark. */
export function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** uPlot, loaded on first use. Its module asks `Intl.NumberFormat(navigator.language)` when it loads;
 * a desktop started with LANG=C reports "C", which Intl refuses, so English numbers stand in then. */
export async function loadUPlot(): Promise<typeof uPlot> {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, 'language', { value: 'en', configurable: true });
  }
  return (await import('uplot')).default;
}

/** Draws into `host` at its width (at least `minWidth`) and redraws as it resizes; returns the stop. */
export function mountChart(
  UPlot: typeof uPlot,
  opts: Omit<uPlot.Options, 'width' | 'height'>,
  data: uPlot.AlignedData,
  host: HTMLElement,
  size: { minWidth: number; height: number },
): () => void {
  const width = () => Math.max(size.minWidth, host.clientWidth);
  const plot = new UPlot({ ...opts, width: width(), height: size.height }, data, host);
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: size.height }));
  observer.observe(host);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
}
