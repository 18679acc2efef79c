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
