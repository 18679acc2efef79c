// The participant's check-in page: the packet's questions and measures, filled in offline. Progress
// is kept in this browser's localStorage; "Finish" encrypts the reply with age to the practice's
// key (age-encryption) and offers it as a file and as text. Nothing leaves the device by itself.
import { Encrypter, armor } from 'age-encryption';
import './style.css';

interface Question {
  key: string;
  text: string;
  kind: 'text' | 'scale';
  min?: number;
  max?: number;
}
interface Option {
  value: number;
  label: string;
}
interface Measure {
  id: string;
  version: number;
  name: string;
  title: string;
  instructions: string;
  options?: Option[];
  slider?: { min: number; max: number; min_label: string; max_label: string };
  items: { key: string; text: string }[];
  citation: string;
  licence: string;
}
interface Packet {
  format: string;
  version: number;
  id: string;
  token: string;
  recipient: string;
  expires: string;
  expires_label: string;
  first_name: string | null;
  facilitator: string;
  message: string | null;
  purpose: string;
  questions: Question[];
  measures: Measure[];
}
interface Progress {
  answers: Record<string, string | number | null>;
  measures: Record<string, Record<string, number | null>>;
}

const app = document.getElementById('app') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string | boolean> = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null) e.append(c);
  return e;
}

function readPacket(): Packet {
  const raw = document.getElementById('packet')?.textContent ?? '';
  const p = JSON.parse(raw) as Packet;
  if (p.format !== 'arcwell-checkin-packet' || p.version !== 1) throw new Error('not a check-in packet');
  return p;
}

const storeKey = (p: Packet) => `arcwell-packet:${p.id}`;

function load(p: Packet): Progress {
  try {
    const saved = localStorage.getItem(storeKey(p));
    if (saved) return JSON.parse(saved) as Progress;
  } catch {
    // No storage here (a private window, a locked-down browser): answers live in the page only.
  }
  return { answers: {}, measures: {} };
}

function save(p: Packet, progress: Progress) {
  try {
    localStorage.setItem(storeKey(p), JSON.stringify(progress));
  } catch {
    // As above: nothing to do but keep the page open.
  }
}

function questionField(q: Question, progress: Progress, changed: () => void): HTMLElement {
  const id = `q-${q.key}`;
  if (q.kind === 'scale') {
    const min = q.min ?? 1;
    const max = q.max ?? 10;
    const choices = el('div', { class: 'scale' });
    for (let v = min; v <= max; v++) {
      const input = el('input', { type: 'radio', name: id, id: `${id}-${v}`, value: String(v) });
      input.checked = progress.answers[q.key] === v;
      input.addEventListener('change', () => {
        progress.answers[q.key] = v;
        changed();
      });
      choices.append(el('label', { for: `${id}-${v}`, class: 'choice' }, input, el('span', {}, String(v))));
    }
    return el('fieldset', { class: 'question' }, el('legend', {}, q.text), choices);
  }
  const area = el('textarea', { id, rows: '4', maxlength: '10000' });
  area.value = typeof progress.answers[q.key] === 'string' ? (progress.answers[q.key] as string) : '';
  area.addEventListener('input', () => {
    progress.answers[q.key] = area.value;
    changed();
  });
  return el('div', { class: 'question' }, el('label', { for: id }, q.text), area);
}

function measureSection(m: Measure, progress: Progress, changed: () => void): HTMLElement {
  const answers = (progress.measures[m.id] ??= {});
  const section = el(
    'section',
    { class: 'measure', 'aria-labelledby': `m-${m.id}` },
    el('h2', { id: `m-${m.id}` }, m.title),
    el('p', { class: 'instructions' }, m.instructions),
  );
  m.items.forEach((item, i) => {
    const name = `m-${m.id}-${item.key}`;
    const legend = el('legend', {}, el('span', { class: 'number' }, `${i + 1}.`), ' ', item.text);
    if (m.slider) {
      const s = m.slider;
      const input = el('input', { type: 'number', id: name, min: String(s.min), max: String(s.max), step: '1', inputmode: 'numeric' });
      const v = answers[item.key];
      input.value = typeof v === 'number' ? String(v) : '';
      input.addEventListener('input', () => {
        const n = Number(input.value);
        answers[item.key] = input.value === '' || !Number.isInteger(n) || n < s.min || n > s.max ? null : n;
        changed();
      });
      section.append(
        el(
          'fieldset',
          { class: 'item' },
          legend,
          el('label', { for: name, class: 'slider' }, `${s.min} = ${s.min_label}, ${s.max} = ${s.max_label}`),
          input,
        ),
      );
      return;
    }
    const choices = el('div', { class: 'choices' });
    for (const o of m.options ?? []) {
      const id = `${name}-${o.value}`;
      const input = el('input', { type: 'radio', name, id, value: String(o.value) });
      input.checked = answers[item.key] === o.value;
      input.addEventListener('change', () => {
        answers[item.key] = o.value;
        changed();
      });
      choices.append(el('label', { for: id, class: 'choice' }, input, el('span', {}, o.label)));
    }
    section.append(el('fieldset', { class: 'item' }, legend, choices));
  });
  section.append(el('p', { class: 'source' }, `${m.citation} ${m.licence}`));
  return section;
}

/** The reply as the core reads it (docs/checkin-packet.md). */
function reply(p: Packet, progress: Progress): string {
  const answers: Record<string, string | number> = {};
  for (const q of p.questions) {
    const a = progress.answers[q.key];
    if (typeof a === 'string' && a.trim() !== '') answers[q.key] = a;
    if (typeof a === 'number') answers[q.key] = a;
  }
  const measures: Record<string, Record<string, number>> = {};
  for (const m of p.measures) {
    const items = Object.entries(progress.measures[m.id] ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number');
    if (items.length > 0) measures[m.id] = Object.fromEntries(items);
  }
  return JSON.stringify({
    format: 'arcwell-checkin-reply',
    version: 1,
    packet: p.id,
    token: p.token,
    answered_at: new Date().toISOString(),
    answers,
    measures,
  });
}

function safetyNote(p: Packet): HTMLElement {
  return el(
    'p',
    { class: 'safety', role: 'note' },
    `No one sees these answers until you send them and ${p.facilitator} opens them. If you are in crisis or thinking of harming yourself, call your local emergency number or a crisis line now.`,
  );
}

async function finish(p: Packet, progress: Progress, out: HTMLElement, button: HTMLButtonElement) {
  button.disabled = true;
  out.replaceChildren(el('p', {}, 'Encrypting your answers…'));
  try {
    const e = new Encrypter();
    e.addRecipient(p.recipient);
    const sealed = await e.encrypt(reply(p, progress));
    const text = armor.encode(sealed);
    const name = `check-in-reply-${p.id.slice(0, 8)}.age`;
    const file = new File([sealed as BlobPart], name, { type: 'application/octet-stream' });
    const link = el('a', { href: URL.createObjectURL(file), download: name, class: 'button', id: 'download' }, 'Save the reply file');
    const actions = el('div', { class: 'actions' }, link);
    if (typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] })) {
      const share = el('button', { type: 'button', class: 'button' }, 'Share the reply…');
      share.addEventListener('click', () => void navigator.share({ files: [file], title: 'My check-in reply' }).catch(() => {}));
      actions.append(share);
    }
    const armoured = el('textarea', { id: 'reply-text', readonly: true, rows: '6', class: 'armour' });
    armoured.value = text;
    const copy = el('button', { type: 'button', class: 'button secondary' }, 'Copy the text');
    copy.addEventListener('click', () => {
      armoured.select();
      void navigator.clipboard?.writeText(text).then(
        () => (copy.textContent = 'Copied'),
        () => document.execCommand('copy'),
      );
    });
    const forget = el('button', { type: 'button', class: 'button secondary' }, 'Remove my answers from this device');
    forget.addEventListener('click', () => {
      try {
        localStorage.removeItem(storeKey(p));
      } catch {
        // nothing stored
      }
      forget.replaceWith(el('p', {}, 'Your answers are removed from this browser. The reply above is all that is left.'));
    });
    out.replaceChildren(
      el('h2', { id: 'ready', tabindex: '-1' }, 'Your reply is ready'),
      el(
        'p',
        {},
        `It is encrypted: only ${p.facilitator} can open it. Send the file the way you usually reach them (email attachment, messenger), or copy the text below into a message.`,
      ),
      actions,
      el('label', { for: 'reply-text' }, 'The same reply as text'),
      armoured,
      el('div', { class: 'actions' }, copy, forget),
    );
    (out.querySelector('#ready') as HTMLElement).focus();
  } catch (err) {
    out.replaceChildren(el('p', { class: 'error', role: 'alert' }, `The reply could not be made here (${String(err)}). Try another browser, or tell ${p.facilitator}.`));
  } finally {
    button.disabled = false;
  }
}

function render(p: Packet) {
  const progress = load(p);
  const status = el('p', { class: 'saved', id: 'saved' }, '');
  const changed = () => {
    save(p, progress);
    status.textContent = 'Saved on this device.';
  };
  const expired = Date.parse(p.expires) <= Date.now();
  const greeting = p.first_name ? `Hi ${p.first_name},` : 'Hello,';
  const form = el('form', { id: 'checkin', novalidate: true });
  if (p.questions.length > 0) {
    form.append(el('section', { class: 'questions', 'aria-label': 'Questions' }, ...p.questions.map((q) => questionField(q, progress, changed))));
  }
  for (const m of p.measures) form.append(measureSection(m, progress, changed));
  const button = el('button', { type: 'submit', class: 'button primary', id: 'finish' }, 'Finish and make my reply');
  button.disabled = expired;
  const out = el('div', { id: 'result', 'aria-live': 'polite' });
  form.append(el('div', { class: 'actions' }, button), status, out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void finish(p, progress, out, button);
  });
  app.replaceChildren(
    el(
      'header',
      {},
      el('p', { class: 'from' }, `A check-in from ${p.facilitator}`),
      el('h1', {}, p.purpose),
    ),
    el('p', {}, greeting),
    ...(p.message ? [el('p', { class: 'message' }, p.message)] : []),
    el(
      'p',
      {},
      expired
        ? `This check-in could be answered until ${p.expires_label}. Ask ${p.facilitator} for a new one.`
        : `Answer what you like; you can leave any question blank. Your answers are kept in this browser until you finish. Please answer by ${p.expires_label}.`,
    ),
    safetyNote(p),
    form,
  );
}

try {
  render(readPacket());
} catch (err) {
  app.replaceChildren(el('p', { class: 'error', role: 'alert' }, `This file does not hold a check-in (${String(err)}).`));
}
