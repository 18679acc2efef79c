// Adds the packet page's Content-Security-Policy and writes it where the core embeds it.
// The policy allows nothing but the page's own inline script and style, named by SHA-256: no
// network, no form target, no frame, no other script. Run by `npm run build:packet`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const built = readFileSync(join(import.meta.dirname, 'dist', 'index.html'), 'utf8');
const only = (re, what) => {
  const all = [...built.matchAll(re)];
  if (all.length !== 1) throw new Error(`the built page has ${all.length} inline ${what}s; expected one`);
  return all[0][1];
};
const script = only(/<script type="module"[^>]*>([\s\S]*?)<\/script>/g, 'module script');
const style = only(/<style[^>]*>([\s\S]*?)<\/style>/g, 'style');
const hash = (s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
const csp = [
  "default-src 'none'",
  `script-src ${hash(script)}`,
  `style-src ${hash(style)}`,
  'img-src data:',
  "connect-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');
if (!built.includes('"__ARCWELL_PACKET__"')) throw new Error('the built page lost its data slot');
const page = built.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`);
if (page === built) throw new Error('no charset meta to put the policy after');
const out = join(import.meta.dirname, '..', '..', 'src', 'packet', 'page.html');
writeFileSync(out, page);
console.log(`wrote ${out}: ${page.length} bytes`);
