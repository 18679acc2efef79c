// What the WebDriver tests share: waiting for a driver to listen, and the accessibility check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Waits until a WebDriver server (`name`) answers on `port`: up to 10 s. */
export async function waitForDriver(port, name) {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not listen on port ${port} within 10 s`);
}

// axe-core, injected through WebDriver's own script execution (which a page's CSP does not
// govern) and run over what is on screen. Serious and critical violations only.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export async function axeViolations(browser) {
  if (!(await browser.execute(() => typeof window.axe !== 'undefined'))) {
    await browser.execute(`${axeSource}; return true;`);
  }
  const result = await browser.executeAsync((done) => {
    window.axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => [n.target.join(' '), n.any?.[0]?.message ?? ''].join(': ')) }))))
      .catch((e) => done([{ id: 'axe-failed', impact: 'critical', help: String(e), nodes: [] }]));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * What is wrong with the layout on screen, measured in the page (getBoundingClientRect,
 * scrollWidth/scrollHeight), not by eye:
 * - an element whose content is wider or taller than its box with no scrollbar to reach it: it
 *   spills out, or is cut where the box hides its overflow (the innermost such element is named);
 * - an interactive element (link, button, field, …) overlapping another one;
 * - an interactive element on screen with something else drawn over its centre (a sticky header
 *   over a form, say), as `document.elementFromPoint` finds it.
 * Each problem names the element, its text and the figures. An empty list is a clean screen.
 * With `scope` (a CSS selector), only what lies inside that element is checked.
 */
export async function layoutProblems(browser, scope = 'body') {
  return browser.execute((scope) => {
    const root = document.querySelector(scope);
    if (!root) return [`nothing on screen matches ${scope}`];
    const name = (e) => {
      const cls = typeof e.className === 'string' && e.className.trim() ? `.${e.className.trim().split(/\s+/)[0]}` : '';
      const text = (e.innerText || e.value || e.getAttribute('aria-label') || e.title || e.outerHTML).trim().replace(/\s+/g, ' ').slice(0, 60);
      return `${e.tagName.toLowerCase()}${cls}${text ? ` "${text}"` : ''}`;
    };
    const scrolls = (o) => o === 'auto' || o === 'scroll';
    // The part of an element its scrolling or clipping ancestors let show, in viewport pixels.
    const visible = (e) => {
      const r = e.getBoundingClientRect();
      let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
      for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
          const c = a.getBoundingClientRect();
          [left, top, right, bottom] = [Math.max(left, c.left), Math.max(top, c.top), Math.min(right, c.right), Math.min(bottom, c.bottom)];
        }
      }
      return { left, top, right, bottom, width: right - left, height: bottom - top };
    };
    const shown = (e) => {
      // What a closed <details> holds is not drawn, though WebKit still gives it a box.
      if (e.closest('details:not([open]) > :not(summary)')) return false;
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.opacity === '0' || s.display === 'none') return false;
      const v = visible(e);
      return v.width > 2 && v.height > 2;
    };
    const problems = [];

    const spilled = [];
    for (const e of root.querySelectorAll('*')) {
      if (!(e instanceof HTMLElement) || ['INPUT', 'TEXTAREA', 'SELECT', 'OPTION', 'SCRIPT', 'STYLE', 'BR'].includes(e.tagName)) continue;
      const s = getComputedStyle(e);
      if (s.display === 'inline' || s.display === 'contents' || !shown(e)) continue;
      if (!scrolls(s.overflowX) && s.textOverflow !== 'ellipsis' && e.scrollWidth > e.clientWidth + 1) {
        spilled.push([e, `${e.scrollWidth} px of content in a box ${e.clientWidth} px wide (overflow ${s.overflowX})`]);
      } else if (!scrolls(s.overflowY) && e.scrollHeight > e.clientHeight + 1) {
        spilled.push([e, `${e.scrollHeight} px of content in a box ${e.clientHeight} px tall (overflow ${s.overflowY})`]);
      }
    }
    for (const [e, what] of spilled) {
      if (!spilled.some(([inner]) => inner !== e && e.contains(inner))) problems.push(`${name(e)}: ${what}`);
    }

    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="tab"], [tabindex]:not([tabindex="-1"])';
    const interactive = [...root.querySelectorAll(selector)].filter(shown);
    const boxes = interactive.map(visible);
    for (let i = 0; i < interactive.length; i++) {
      for (let j = i + 1; j < interactive.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1 && !interactive[i].contains(interactive[j]) && !interactive[j].contains(interactive[i])) {
          problems.push(`${name(interactive[i])} overlaps ${name(interactive[j])} by ${Math.round(w)}×${Math.round(h)} px`);
        }
      }
    }
    const [vw, vh] = [document.documentElement.clientWidth, window.innerHeight];
    interactive.forEach((e, i) => {
      const b = boxes[i];
      const [x, y] = [(b.left + b.right) / 2, (b.top + b.bottom) / 2];
      if (x < 0 || y < 0 || x >= vw || y >= vh) return;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit !== e && !e.contains(hit) && !hit.contains(e)) problems.push(`${name(e)} is covered at its centre (${Math.round(x)}, ${Math.round(y)}) by ${name(hit)}`);
    });
    return problems;
  }, scope);
}
