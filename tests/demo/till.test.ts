import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEMO_STORES, startDemoTill } from '../../scripts/demo-till/serve.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { ARTIFACTS, chromiumAvailable, launchChromium, problemsOf } from '../sdk/helpers/chromium.js';

// `npm run demo:till` as a colleague would use it: a browser till on its own origin, with the built
// bundle and <vouchsafe-prompt>, playing the seed's three stories in Chromium, checked with axe-core.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function demo() {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-demo-till-'));
  const databasePath = join(dir, 'demo.db');
  const till = await startDemoTill({ host: '127.0.0.1', servicePort: 0, tillPort: 0, databasePath, rulesDirectory: 'rules', logger: createLogger('silent') });
  onTestFinished(async () => {
    await till.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { ...till, databasePath };
}

/** A supervisor's key for the demo's store, made with `vouchsafe keys create` beside the running demo service. */
async function supervisorKey(databasePath: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/vouchsafe.mjs', 'keys', 'create', '--role', 'supervisor', '--name', 'Markyate supervisor handheld', '--store', DEMO_STORES[0]!, '--db', databasePath, '--json']);
  return (JSON.parse(stdout) as { key: string }).key;
}

async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string; help: string; nodes: number }>> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: unknown[] }> }> } }).axe;
    const { violations } = await axe.run(document);
    return violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.length }));
  });
}

const serious = (violations: Array<{ impact: string }>) => violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');

/** What the prompt shows now, read from its shadow DOM. */
async function screen(page: Page) {
  return page.locator('vouchsafe-prompt').evaluate((element) => {
    const root = element.shadowRoot!;
    const buttons = Array.from(root.querySelectorAll<HTMLButtonElement>('button[data-answer]')).map((button) => {
      const box = button.getBoundingClientRect();
      return { value: button.dataset.answer!, label: button.textContent, width: box.width, height: box.height };
    });
    return {
      action: root.querySelector('.panel')?.getAttribute('data-action') ?? null,
      lang: root.querySelector('.panel')?.getAttribute('lang') ?? null,
      step: root.querySelector('.panel')?.getAttribute('data-step') ?? null,
      next: root.querySelector('.next')?.textContent ?? null,
      deadline: root.querySelector('.deadline')?.textContent ?? null,
      headline: root.querySelector('h2')?.textContent ?? null,
      question: root.querySelector('.question')?.textContent ?? null,
      buttons,
      handOff: Array.from(root.querySelectorAll('.hand-off li')).map((item) => ({
        text: item.querySelector('p')?.textContent ?? '',
        dials: Array.from(item.querySelectorAll('a')).map((link) => link.getAttribute('href')),
        button: item.querySelector('button')?.textContent ?? '',
        buttonHeight: item.querySelector('button')?.getBoundingClientRect().height ?? 0,
      })),
      overflows: document.documentElement.scrollWidth > window.innerWidth,
    };
  });
}

// The warm hand-off's numbers, as tel: links: each country's own, never another's.
const UK = { dials: ['tel:999', 'tel:159', 'tel:101', 'tel:03001232040'], neverDials: ['tel:911', 'tel:18773824357'] };
const US = { dials: ['tel:911', 'tel:18773824357'], neverDials: ['tel:999', 'tel:159', 'tel:101', 'tel:03001232040'] };

const STORIES = [
  { id: 'markyate', scamAnswer: 'bill_or_fine', lang: 'en-GB', refused: 'Take the gift cards off the sale', ...UK },
  { id: 'stevenage', scamAnswer: 'bill_or_fine', lang: 'en-GB', refused: 'Take the gift cards off the sale', ...UK },
  { id: 'buntingford', scamAnswer: 'computer_or_account', lang: 'en-GB', refused: 'Take the gift cards off the sale', ...UK },
  { id: 'aberystwyth', scamAnswer: 'police_or_bank', lang: 'cy-GB', refused: 'Tynnwch y cardiau rhodd oddi ar y gwerthiant', ...UK },
  { id: 'ohio', scamAnswer: 'bill_or_fine', lang: 'en-US', refused: 'Call a manager', ...US },
] as const;

describe.skipIf(!chromiumAvailable)('the demo till in Chromium', () => {
  it.each([
    ['a 320 px till', { width: 320, height: 720 }],
    ['a desktop till', { width: 1280, height: 900 }],
  ])('plays the seed’s three stories, a Welsh and an American one on %s: prompted at once, refused once the customer says why, the outcome recorded', { timeout: 180_000 }, async (_name, viewport) => {
    const { tillUrl } = await demo();
    const browser = await launchChromium(onTestFinished, viewport);
    const page = await browser.newPage();
    const problems = problemsOf(page);
    await page.goto(tillUrl);
    await page.locator('body[data-ready="true"]').waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });

    for (const story of STORIES) {
      await page.locator(`[data-story="${story.id}"]`).click();
      await page.locator('#scan').click();
      await page.locator('vouchsafe-prompt .panel').waitFor();
      const first = await screen(page);
      expect(first.action, story.id).not.toBe('allow');
      expect(first.headline, story.id).toBeTruthy();
      expect(first.lang, story.id).toBe(story.lang);
      expect(first.next, `${story.id}: says what to do now`).toBeTruthy();
      // A hold shows when its supervisor must decide, in the till's language.
      if (first.step === 'wait_for_supervisor') expect(first.deadline, story.id).toMatch(story.lang === 'cy-GB' ? /^Rhaid i oruchwyliwr benderfynu erbyn / : /^A supervisor must decide by /);
      if (story.id === 'markyate') expect(first.step).toBe('wait_for_supervisor');
      // A hold already says what to do for the customer; a prompt does not.
      if (first.step === 'wait_for_supervisor') expect(first.handOff.flatMap((action) => action.dials), story.id).toEqual(expect.arrayContaining(story.dials));
      if (first.action === 'prompt') expect(first.handOff, story.id).toEqual([]);
      expect(first.overflows, `${story.id}: nothing wider than the screen`).toBe(false);
      for (const button of first.buttons) {
        expect(button.height, `${story.id}: ${button.label}`).toBeGreaterThanOrEqual(48);
        expect(button.width, `${story.id}: ${button.label}`).toBeGreaterThanOrEqual(48);
      }
      expect(serious(await axeViolations(page)), `${story.id}, first screen`).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `till-${viewport.width}-${story.id}-first.png`), fullPage: true });

      // One question at a time: the customer says "no" until the question that lets them say why.
      for (let asked = 0; asked < 6; asked++) {
        const now = await screen(page);
        if (now.action === 'refuse' || now.buttons.length === 0) break;
        const answer = now.buttons.some((button) => button.value === story.scamAnswer) ? story.scamAnswer : 'no';
        // By keyboard, as a till with a keypad would: focus the answer and press Enter.
        await page.locator(`vouchsafe-prompt button[data-answer="${answer}"]`).focus();
        await page.keyboard.press('Enter');
        await page.waitForFunction((question) => document.querySelector('vouchsafe-prompt')!.shadowRoot!.querySelector('.question')?.textContent !== question || document.querySelector('vouchsafe-prompt')!.shadowRoot!.querySelector('.panel')!.getAttribute('data-action') === 'refuse', now.question);
      }
      const last = await screen(page);
      expect(last.action, story.id).toBe('refuse');
      expect(last.step, story.id).toBe('refuse');
      expect(last.next, story.id).toContain(story.refused);
      // The warm hand-off, in order, with this country's numbers as links, and a button to mark each done.
      expect(last.handOff.length, story.id).toBeGreaterThanOrEqual(4);
      expect(last.handOff[0]!.dials, story.id).toEqual([story.dials[0]]);
      const dialled = last.handOff.flatMap((action) => action.dials);
      expect(dialled, story.id).toEqual(expect.arrayContaining(story.dials));
      for (const other of story.neverDials) expect(dialled, `${story.id} must not offer ${other}`).not.toContain(other);
      for (const action of last.handOff) expect(action.buttonHeight, `${story.id}: ${action.text}`).toBeGreaterThanOrEqual(48);
      expect(serious(await axeViolations(page)), `${story.id}, refused`).toEqual([]);
      await page.locator('vouchsafe-prompt button[data-hand-off="emergency"]').click();
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Hand-off recorded on the case: called police, at \d\d:\d\d UTC\.$/);
      expect((await screen(page)).handOff[0]!.button, story.id).toMatch(/✓$/);
      await page.screenshot({ path: join(ARTIFACTS, `till-${viewport.width}-${story.id}-refused.png`), fullPage: true });

      await page.locator('[data-outcome="scam_confirmed"]').click();
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/scam confirmed: recorded/);
    }
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!chromiumAvailable)('a held sale on the demo till', () => {
  it.each([
    ['released', 'release', 'proceeded_after_warning', 'proceeded after warning: recorded'],
    ['refused', 'refuse', 'refused', 'refused: recorded'],
  ] as const)('follows a hold a supervisor %s from their handheld, and records the outcome that fits', { timeout: 180_000 }, async (status, decision, outcome, recorded) => {
    const { tillUrl, serviceUrl, databasePath } = await demo();
    const supervisor = await supervisorKey(databasePath);
    const browser = await launchChromium(onTestFinished, { width: 1280, height: 900 });
    const page = await browser.newPage();
    const problems = problemsOf(page);
    await page.goto(tillUrl);
    await page.locator('body[data-ready="true"]').waitFor();

    await page.locator('[data-story="markyate"]').click();
    await page.locator('#scan').click();
    await page.locator('vouchsafe-prompt .panel').waitFor();
    expect((await screen(page)).step).toBe('wait_for_supervisor');
    // Held: the till cannot record a sale yet, and says it is waiting.
    await expect.poll(() => page.locator('[data-outcome="proceeded_after_warning"]').isVisible()).toBe(false);
    await expect.poll(() => page.locator('vouchsafe-prompt .status').textContent()).toMatch(/Waiting for a supervisor/);

    // The supervisor decides on another device: a request of their own to the service.
    const checkId = await page.locator('vouchsafe-prompt').evaluate((element) => (element as unknown as { decision: { checkId: string } }).decision.checkId);
    const reviewed = await fetch(`${serviceUrl}/v1/checks/${checkId}/review`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision, supervisorRef: 'S0042', reason: 'Spoke to the customer: buying for the family' }),
    });
    expect(reviewed.status).toBe(200);

    await page.locator(`vouchsafe-prompt .panel[data-hold="${status}"]`).waitFor();
    const after = await screen(page);
    expect(after.step).toBe(status === 'released' ? 'finish_sale' : 'refuse');
    expect(after.buttons).toEqual([]);
    if (status === 'refused') expect(await page.locator('vouchsafe-prompt .say').textContent()).toBeTruthy();
    expect(await page.locator('[data-outcome="proceeded_after_warning"]').isVisible()).toBe(status === 'released');
    await expect.poll(() => page.locator('#status').textContent()).toContain(`The hold was ${status} by S0042`);
    expect(serious(await axeViolations(page)), `${status}`).toEqual([]);

    await page.locator(`[data-outcome="${outcome}"]`).click();
    await expect.poll(() => page.locator('#status').textContent()).toContain(`Outcome ${recorded}`);
    expect(problems).toEqual([]);
  });
});

describe('npm run demo:till beside a running service', () => {
  it('says what to do, without a stack trace, and exits 78', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-demo-till-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const databasePath = join(dir, 'vouchsafe.db');
    // A service on the database the demo would use, as `npm start` in another shell would have it.
    const running = await buildServices({ databasePath, rulesDirectory: 'rules', logger: createLogger('silent') });
    onTestFinished(() => running.store.close());

    const demo = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('npm', ['run', '--silent', 'demo:till'], { env: { ...process.env, VOUCHSAFE_DB: databasePath, PORT: '0', VOUCHSAFE_TILL_PORT: '0', HOST: '127.0.0.1' } }, (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });
    expect(demo.code).toBe(78);
    expect(demo.stderr).toContain(`the database ${databasePath} is held by another Vouchsafe process`);
    expect(demo.stderr).toContain('Stop that service (Ctrl-C in its shell) and run `npm run demo:till` again');
    expect(demo.stderr).toMatch(/PORT=\d+ VOUCHSAFE_TILL_PORT=\d+ VOUCHSAFE_DB=\S+ npm run demo:till/);
    expect(demo.stderr).not.toMatch(/^\s+at /m);
  });
});
