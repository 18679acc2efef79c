// End-to-end: the real app (debug build) in the real webview, driven through WebDriver
// (tauri-driver in front of Debian's WebKitWebDriver). Run by scripts/test.sh under Xvfb and a
// private D-Bus session: `node --test e2e/`. Needs ARCWELL_APP (absolute path to arcwell-app).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote } from 'webdriverio';

const app = process.env.ARCWELL_APP;
assert.ok(app, 'set ARCWELL_APP to the absolute path of the arcwell-app binary');
const port = Number(process.env.E2E_PORT ?? 4444);
const dataDir = mkdtempSync(join(tmpdir(), 'arcwell-e2e-'));
let driver;
let browser;

// Screenshots of the main screens, for a person to look at: target/e2e-screenshots/ (not committed).
const shots = join(import.meta.dirname, '..', '..', 'target', 'e2e-screenshots');
mkdirSync(shots, { recursive: true });
async function shoot(name) {
  writeFileSync(join(shots, `${name}.png`), Buffer.from(await browser.takeScreenshot(), 'base64'));
}

async function waitForDriver() {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on port ${port} within 10 s`);
}

before(async () => {
  driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(port + 1), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    env: { ...process.env, ARCWELL_DATA_DIR: dataDir, ARCWELL_KEYCHAIN: 'off' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForDriver();
  browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'warn',
    capabilities: {
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application: app, args: ['--demo'] },
    },
  });
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  driver?.kill();
  // Closing the window quits the app here (no tray host under Xvfb); should that ever change, do
  // not leave it running for the next run to trip over.
  try {
    execFileSync('pkill', ['-f', app]);
  } catch {
    // nothing left: as expected
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('the app opens on today\'s dashboard with the demo practice from the encrypted file', async () => {
  await browser.$('h1=Today').waitForDisplayed({ timeout: 20_000 });
  const dueToday = await browser.$$('[data-testid="due-today"] [data-testid="checkin"]');
  assert.ok(dueToday.length >= 1, 'the demo has check-ins due today');
  const stalled = await browser.$$('[data-testid="stalled"] .arcrow');
  assert.ok(stalled.length >= 1, 'the demo has a stalled participant');
  const overdue = await browser.$$('[data-testid="overdue"] [data-testid="checkin"]');
  assert.ok(overdue.length >= 1, 'the demo has overdue check-ins');
});

test('the participants screen lists the whole demo practice', async () => {
  await browser.$('button=Participants').click();
  await browser.$('h1=Participants').waitForDisplayed({ timeout: 5_000 });
  const rows = await browser.$$('[data-testid="participants-table"] tbody tr');
  assert.equal(rows.length, 42, 'all 42 demo participants are listed');
  assert.match(await browser.$('.count').getText(), /42 of 42 participants/);
});

test('the window is really painted (screenshot is not blank)', async () => {
  const png = join(dataDir, 'shot.png');
  writeFileSync(png, Buffer.from(await browser.takeScreenshot(), 'base64'));
  const colours = Number(execFileSync('/usr/bin/identify', ['-format', '%k', png]).toString());
  assert.ok(colours > 100, `the screenshot has ${colours} colours; a blank window has a handful`);
});

test('a participant opens with their arcs, and an arc with its history', async () => {
  await browser.$('input[type="search"]').setValue('Wren');
  const link = await browser.$('[data-testid="participants-table"] tbody tr button');
  const name = await link.getText();
  assert.match(name, /^Wren /);
  await link.click();
  await browser.$(`h1*=${name}`).waitForDisplayed({ timeout: 5_000 });
  await browser.$('h2=Arcs').waitForDisplayed();
  const arcLinks = await browser.$$('button=Open arc');
  assert.ok(arcLinks.length >= 1, 'the demo participant has an arc');
  await arcLinks[0].click();
  await browser.$('h2=History').waitForDisplayed({ timeout: 5_000 });
  const history = await browser.$$('.history li');
  assert.ok(history.length >= 2, 'the arc shows its phase changes');
});

test('a new participant is saved and shown', async () => {
  await browser.$('button=Participants').click();
  await browser.$('button=Add participant').click();
  await browser.$('input[name="name"]').setValue('Tamsin Oakhurst');
  await browser.$('input[name="pronouns"]').setValue('she/her');
  await browser.$('button=Save').click();
  await browser.$('h1*=Tamsin Oakhurst').waitForDisplayed({ timeout: 5_000 });
  await browser.$('button=Participants').click();
  await browser.$('.count').waitForDisplayed();
  assert.match(await browser.$('.count').getText(), /43 of 43 participants/);
});

test('a check-in due today is completed from the dashboard with its integration note', async () => {
  await browser.$('button=Today').click();
  await browser.$('h1=Today').waitForDisplayed({ timeout: 5_000 });
  const before = (await browser.$$('[data-testid="due-today"] [data-testid="checkin"]')).length;
  const first = await browser.$('[data-testid="due-today"] [data-testid="checkin"]');
  await first.$('button=Complete').click();
  const note = await first.$('[data-testid="document"]');
  await note.waitForDisplayed({ timeout: 5_000, timeoutMsg: 'Complete opens the integration note template' });
  assert.match(await note.getText(), /Integration note/);
  await first.$('input[placeholder^="e.g. Phone call"]').setValue('Phone call, 20 minutes');
  await note.$('[data-field="insights"] textarea').setValue('Slept well; feels tender but steady. Partner is supportive.');
  await note.$('[data-field="support_needed"] textarea').setValue('A walk together next week');
  await shoot('checkin-integration-note');
  await first.$('button=Sign note and complete').click();
  await browser.waitUntil(
    async () => (await browser.$$('[data-testid="due-today"] [data-testid="checkin"]')).length === before - 1,
    { timeout: 5_000, timeoutMsg: 'the completed check-in leaves the due-today list' },
  );
});

test('an arc in integration is pictured as a timeline of its sessions, check-ins and milestones', async () => {
  await browser.$('nav').$('button=Today').click();
  await browser.$('h1=Today').waitForDisplayed({ timeout: 5_000 });
  await browser.$('[data-testid="overdue"] [data-testid="checkin"] button.name').click();
  const timeline = await browser.$('[data-testid="arc-timeline"]');
  await timeline.waitForDisplayed({ timeout: 5_000 });
  const checkins = await timeline.$$('g[data-lane="checkin"]');
  assert.ok(checkins.length >= 6, `the plan's six check-ins are drawn (${checkins.length})`);
  const states = [];
  for (const c of checkins) states.push(await c.getAttribute('data-state'));
  assert.ok(states.includes('overdue'), `an overdue check-in is drawn as overdue: ${states}`);
  assert.ok((await timeline.$$('g[data-lane="session"]')).length >= 1, 'the dosing session is drawn');
  assert.match(await timeline.$('svg').getAttribute('aria-label'), /^Timeline: \d+ sessions/);
  await shoot('arc-timeline');
});

test('templates: a jurisdiction pack is turned on and a shipped template is copied to adapt it', async () => {
  await browser.$('nav').$('button=Templates').click();
  await browser.$('h1=Templates').waitForDisplayed({ timeout: 5_000 });
  const packs = await browser.$('[data-testid="packs"]');
  await packs.$('label*=Oregon psilocybin services').$('input').click();
  const library = await browser.$('[data-testid="template-list"]');
  await library.$('button=Oregon administration session record').waitForDisplayed({ timeout: 5_000, timeoutMsg: 'the pack\'s templates are offered once it is on' });
  await library.$('button=Oregon administration session record').click();
  await browser.$('[data-testid="template-preview"]').waitForDisplayed({ timeout: 5_000 });
  assert.match(await browser.$('[data-testid="template-preview"]').getText(), /Psilocybin analyte|Products consumed/);
  await library.$('button=Screening').click();
  await browser.$('button=Copy and edit').waitForClickable({ timeout: 5_000 });
  await browser.$('button=Copy and edit').click();
  const editor = await browser.$('[data-testid="template-editor"]');
  await editor.waitForDisplayed({ timeout: 5_000 });
  const copied = (await editor.$$('[data-testid="field-editor"]')).length;
  await editor.$('button=Add a field').scrollIntoView({ block: 'center' });
  await editor.$('button=Add a field').click();
  await browser.waitUntil(async () => (await editor.$$('[data-testid="field-editor"]')).length === copied + 1, {
    timeout: 5_000, timeoutMsg: 'Add a field adds one',
  });
  const fields = await editor.$$('[data-testid="field-editor"]');
  await fields.at(-1).$('input').setValue('Sleep in the last week');
  assert.equal(await fields.at(-1).$$('input')[1].getValue(), 'sleep_in_the_last_week', 'the new key follows the label');
  await shoot('template-editor');
  await editor.$('button=Save as a new version').click();
  await browser.waitUntil(async () => (await browser.$('p*=Saved as version 2').isExisting()) || (await browser.$('[role="alert"]').isExisting()), { timeout: 5_000 });
  if (await browser.$('[role="alert"]').isExisting()) assert.fail(`saving was refused: ${await browser.$('[role="alert"]').getText()}`);
  assert.ok(fields.length > 10, `the copy holds the screening fields and the new one (${fields.length})`);
  assert.match(await library.getText(), /Screening \(my version\)\s*v2 · Yours/);
});

test('the scheduler raised a reminder at launch: the nav counts it and the centre lists it by name', async () => {
  const nav = await browser.$('[data-testid="nav-reminders"]');
  await nav.$('.unread').waitForDisplayed({ timeout: 10_000, timeoutMsg: 'the demo\'s overdue check-ins raise a reminder' });
  assert.ok(Number(await nav.$('.unread').getText()) >= 1);
  await nav.click();
  await browser.$('h1=Reminders').waitForDisplayed({ timeout: 5_000 });
  const centre = await browser.$('[data-testid="notification-centre"]');
  await centre.$('strong*=check-ins due').waitForDisplayed({ timeout: 5_000 });
  assert.match(await centre.getText(), /came due while Arcwell was closed/, 'overdue before launch are marked as such');
  assert.ok((await centre.$$('li button.link')).length >= 2, 'the in-app centre names the participants');
  await shoot('reminders');
  await browser.$('button=Mark all read').click();
  await browser.waitUntil(async () => !(await nav.$('.unread').isExisting()), {
    timeout: 5_000,
    timeoutMsg: 'reading them clears the count',
  });
});

test('a preparation document is drafted (saved as typed), signed, and then found by search', async () => {
  await browser.$('button=Participants').click();
  await browser.$('h1=Participants').waitForDisplayed({ timeout: 5_000 });
  await browser.$('input[type="search"]').setValue('Wren');
  await browser.$('[data-testid="participants-table"] tbody tr button').click();
  await browser.$('h2=Arcs').waitForDisplayed({ timeout: 5_000 });
  await (await browser.$$('button=Open arc'))[0].click();
  const panel = await browser.$('[data-testid="documents"]');
  await panel.waitForDisplayed({ timeout: 5_000 });
  await panel.$('select').selectByVisibleText('Preparation (preparation)');
  await panel.$('button=Start').click();
  const doc = await panel.$('[data-testid="document"]');
  await doc.waitForDisplayed({ timeout: 5_000 });
  await doc.$('[data-field="intentions"] textarea').setValue('Make peace with the lighthouse keeper in my dreams');
  await doc.$('[data-field="safety_plan"] textarea').setValue('Sister on call all evening');
  await doc.$('[data-field="transportation_plan"] textarea').setValue('Partner drives home');
  await doc.$('span=Draft saved').waitForDisplayed({ timeout: 5_000 });
  await shoot('document-draft');
  await doc.$('button=Sign').click();
  await doc.$('span*=Signed').waitForDisplayed({ timeout: 5_000 });
  assert.match(await doc.getText(), /Make peace with the lighthouse keeper/);
  assert.ok(await doc.$('span=Amend an answer').isExisting(), 'a signed document offers amendment, not editing');

  await browser.$('button=Search').click();
  await browser.$('h1=Search').waitForDisplayed({ timeout: 5_000 });
  await browser.$('input[type="search"]').setValue('lighthouse');
  await browser.$('form[role="search"]').$('button=Search').click();
  const results = await browser.$('[data-testid="search-results"]');
  await results.waitForDisplayed({ timeout: 5_000 });
  assert.match(await results.getText(), /Wren .* — Preparation/);
  assert.equal(await results.$('mark').getText(), 'lighthouse');
  await shoot('search');
});

test('keyboard first: ? lists the shortcuts, j focuses the next due check-in, / opens search', async () => {
  await browser.$('nav').$('button=Participants').click();
  await browser.$('h1=Participants').waitForDisplayed({ timeout: 5_000 });
  await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await browser.keys('?');
  const list = await browser.$('[data-testid="shortcuts"]');
  await list.waitForDisplayed({ timeout: 5_000, timeoutMsg: '? opens the shortcut list' });
  assert.match(await list.getText(), /Next due check-in/);
  await shoot('shortcuts');
  await browser.keys('Escape');
  await list.waitForDisplayed({ reverse: true, timeout: 5_000 });
  await browser.keys('j');
  await browser.$('h1=Today').waitForDisplayed({ timeout: 5_000 });
  await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.textContent)) === 'Complete', {
    timeout: 5_000, timeoutMsg: 'j focuses the next due check-in\'s Complete button',
  });
  await browser.keys('/');
  await browser.$('h1=Search').waitForDisplayed({ timeout: 5_000 });
  await browser.waitUntil(async () => (await browser.execute(() => document.activeElement?.getAttribute('type'))) === 'search', {
    timeout: 5_000, timeoutMsg: '/ puts the cursor in the search box',
  });
});

test('settings: a longer stall threshold takes arcs off the stalled list', async () => {
  await browser.$('nav').$('button=Today').click();
  const count = async () => Number(await browser.$('[data-testid="stalled"] .count').getText());
  await browser.$('[data-testid="stalled"] .count').waitForDisplayed({ timeout: 5_000 });
  const before = await count();
  assert.ok(before >= 1, 'the demo has stalled arcs');
  await browser.$('nav').$('button=Settings').click();
  const form = await browser.$('[data-testid="profile-form"]');
  await form.waitForDisplayed({ timeout: 5_000 });
  const days = await form.$('input[type="number"]');
  assert.equal(await days.getValue(), '14', 'the default stall threshold');
  await days.setValue('90');
  await form.$('button=Save settings').click();
  await browser.$('span=Saved.').waitForDisplayed({ timeout: 5_000 });
  await shoot('settings');
  await browser.$('nav').$('button=Today').click();
  await browser.waitUntil(async () => (await count()) < before, {
    timeout: 5_000, timeoutMsg: `fewer than ${before} stalled with 90 days`,
  });
});
