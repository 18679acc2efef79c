// End-to-end: a check-in packet written by the `arcwell` CLI, opened from disk in a real WebKit
// (MiniBrowser driven by WebKitWebDriver), filled in at phone width, finished: the reply made by
// the page's own script (age-encryption) is imported by the CLI and scored, and the `age` CLI with
// the practice's reply key reads the same answers. Run by scripts/test.sh under Xvfb:
// `node --test e2e/packet.e2e.mjs`, with ARCWELL_CLI (absolute path to the arcwell binary).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote } from 'webdriverio';
import { axeViolations, waitForDriver } from './support.mjs';

const cli = process.env.ARCWELL_CLI;
assert.ok(cli, 'set ARCWELL_CLI to the absolute path of the arcwell binary');
const port = Number(process.env.PACKET_E2E_PORT ?? 4445);
const miniBrowser = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const work = mkdtempSync(join(tmpdir(), 'arcwell-packet-e2e-'));
const dataDir = join(work, 'practice');
mkdirSync(dataDir);
const shots = join(import.meta.dirname, '..', '..', 'target', 'e2e-screenshots');
mkdirSync(shots, { recursive: true });
let driver;
let browser;

function arcwell(...args) {
  const out = execFileSync(cli, ['--data-dir', dataDir, '--json', ...args], {
    env: { ...process.env, ARCWELL_KEYCHAIN: 'off', ARCWELL_PASSPHRASE: 'packet test practice phrase' },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/** `YYYY-MM-DDTHH:MM` `days` from now, in the practice's zone (UTC here). */
function at(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16);
}

let checkin;
let packetFile;

before(async () => {
  arcwell('init', '--name', 'Rowan Hale', '--timezone', 'UTC', '--checkin-time', '09:00');
  const p = arcwell('participant', 'add', 'Juniper Ashcombe');
  const arc = arcwell('arc', 'open', p.id);
  arcwell('arc', 'advance', arc.id, 'preparation');
  arcwell('arc', 'advance', arc.id, 'administration');
  const s = arcwell('session', 'schedule', arc.id, '--kind', 'administration', '--at', at(-32));
  arcwell('session', 'complete', s.id, '--started', at(-32), '--ended', at(-31.9));
  const due = arcwell('checkin', 'list', '--arc', arc.id);
  checkin = due.find((c) => c.purpose.startsWith('Consolidation'));
  assert.ok(checkin, `the 1-month check-in is queued: ${JSON.stringify(due.map((c) => c.purpose))}`);
  packetFile = join(work, 'check-in.html');
  const made = arcwell('checkin', 'packet', checkin.id, '--out', packetFile, '--first-name', '--message', 'Take your time with these.');
  assert.deepEqual(made.measures, ['phq9', 'gad7', 'who5']);

  driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitForDriver(port, 'WebKitWebDriver');
  browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'warn',
    capabilities: {
      'wdio:enforceWebDriverClassic': true,
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
    },
  });
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  driver?.kill();
  rmSync(work, { recursive: true, force: true });
});

test('the 1-month packet is at most 250 kB and holds no name but the first', () => {
  const html = readFileSync(packetFile, 'utf8');
  const size = statSync(packetFile).size;
  console.log(`packet for the 1-month step (PHQ-9, GAD-7, WHO-5 and ${checkin.prompts.length} prompts): ${size} bytes`);
  assert.ok(size <= 250_000, `${size} bytes`);
  assert.ok(html.includes('Juniper') && !html.includes('Ashcombe'), 'the first name only, as ticked');
});

test('a participant fills the packet in offline at 360 px and the page makes an encrypted reply', async () => {
  await browser.setWindowSize(360, 740);
  await browser.url(`file://${packetFile}`);
  await (await browser.$('#finish')).waitForExist({ timeout: 10_000 });
  assert.equal(await (await browser.$('h1')).getText(), checkin.purpose);
  assert.match(await (await browser.$('main')).getText(), /Hi Juniper,/);

  // Nothing wider than the phone's screen.
  const overflow = await browser.execute(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 360px screen`);
  assert.deepEqual(await axeViolations(browser), [], 'axe: no serious or critical violations');
  await browser.saveScreenshot(join(shots, 'packet-top.png'));

  // The prompts, wellbeing, and every item of the three measures.
  await (await browser.$('#q-p1')).setValue('The changes with my sister have held.');
  await (await browser.$('label[for="q-wellbeing-6"]')).click();
  await (await browser.$('#q-support_needed')).setValue('One more call in two weeks.');
  const phq9 = [1, 1, 0, 1, 0, 1, 0, 0, 1];
  const gad7 = [1, 0, 1, 0, 0, 1, 0];
  const who5 = [3, 3, 2, 3, 4];
  for (const [id, values] of [['phq9', phq9], ['gad7', gad7], ['who5', who5]]) {
    for (const [i, v] of values.entries()) {
      await (await browser.$(`label[for="m-${id}-${i + 1}-${v}"]`)).click();
    }
  }
  // Progress is kept on the device: a reload shows what was answered.
  await browser.refresh();
  await (await browser.$('#finish')).waitForExist({ timeout: 10_000 });
  assert.equal(await (await browser.$('#q-p1')).getValue(), 'The changes with my sister have held.');
  assert.equal(await (await browser.$('#m-phq9-9-1')).isSelected(), true, 'a chosen answer survives a reload');
  await browser.saveScreenshot(join(shots, 'packet-360.png'));

  await (await browser.$('#finish')).click();
  const text = await browser.$('#reply-text');
  await text.waitForExist({ timeout: 20_000 });
  const armoured = await text.getValue();
  assert.match(armoured, /^-----BEGIN AGE ENCRYPTED FILE-----/);
  assert.ok(!armoured.includes('sister'), 'the reply is encrypted');
  assert.ok(await (await browser.$('#download')).isExisting(), 'a file to save');
  await browser.saveScreenshot(join(shots, 'packet-ready.png'));
  const replyFile = join(work, 'reply.age');
  writeFileSync(replyFile, armoured);

  // The standard age CLI reads it with the practice's reply key: the same answers.
  const key = join(work, 'reply-key.txt');
  writeFileSync(key, `${arcwell('checkin', 'reply-key')}\n`, { mode: 0o600 });
  const plain = JSON.parse(execFileSync('age', ['-d', '-i', key, replyFile], { encoding: 'utf8' }));
  assert.equal(plain.format, 'arcwell-checkin-reply');
  assert.equal(plain.answers.p1, 'The changes with my sister have held.');
  assert.equal(plain.answers.wellbeing, 6);
  assert.deepEqual(plain.measures.phq9, Object.fromEntries(phq9.map((v, i) => [String(i + 1), v])));

  // Imported by the CLI: scored, the critical PHQ-9 answer alerting, the words in a draft note.
  const imported = arcwell('checkin', 'import', replyFile);
  const totals = Object.fromEntries(imported.responses.map((r) => [r.measure, r.score.total]));
  assert.deepEqual(totals, { phq9: 5, gad7: 3, who5: 60 });
  assert.ok(imported.responses.every((r) => r.packet_id === imported.packet_id), 'reported by the participant');
  assert.equal(imported.critical, true, 'PHQ-9 item 9 answered above zero');
  const note = arcwell('note', 'show', imported.document_id);
  assert.match(JSON.stringify(note), /The changes with my sister have held/);
  const alerts = arcwell('alerts');
  assert.ok(alerts.some((a) => a.kind === 'critical_answer'), 'the critical answer is on Today');

  // The same reply again is a replay, refused.
  let refused = '';
  try {
    arcwell('checkin', 'import', replyFile);
  } catch (e) {
    refused = String(e.stderr);
  }
  assert.match(refused, /already answered/);
});
