import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildBrowserBundle } from '../../sdk/scripts/bundle.js';
import { CheckRequest } from '../../src/contract/check.js';
import type { Decision } from '../../src/contract/decision.js';
import { compileRuleSet, decide, NO_HISTORY } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { chromiumAvailable, launchChromium, problemsOf, tillSite } from './helpers/chromium.js';

// <vouchsafe-prompt>'s warm hand-off in real Chromium: the list as the colleague reads it, the numbers
// as tel: links, and the vouchsafe-escalate event a tap dispatches, with what a listener's cancel does.
const PAGE = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Till 4</title></head>
<body><main><vouchsafe-prompt></vouchsafe-prompt></main><script type="module">
import '/vouchsafe-till.js';
window.escalations = [];
window.recorded = [];
const element = document.querySelector('vouchsafe-prompt');
element.setAttribute('colleague', 'C1234');
// A till that records what it is given: the element hands it each action not cancelled.
element.till = {
  answer: () => Promise.reject(new Error('not asked here')),
  escalate: (checkId, input) => { window.recorded.push({ checkId, ...input }); return Promise.resolve({ status: 'queued' }); },
};
document.querySelector('vouchsafe-prompt').addEventListener('vouchsafe-escalate', (event) => {
  window.escalations.push(event.detail);
  if (window.refuseToRecord) event.preventDefault();
});
window.ready = true;
</script></body></html>`;

const ruleSet = compileRuleSet(loadRuleDirectory('rules'));

/** The README's first check as the engine decides it in `locale`: held, or refused once the customer says it pays a bill. */
function decision(locale: string, answers: Record<string, string> = {}): Decision {
  const check = CheckRequest.parse({
    storeId: 'herts-stevenage-012',
    tillId: 'T04',
    transactionId: 'T04-20171030-00123',
    currency: 'GBP',
    locale,
    lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
    tender: 'cash',
    customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
  });
  const made = decide(ruleSet, { check, history: NO_HISTORY, answers, identified: false });
  return {
    checkId: 'chk_01m888psdy7yqz3cp2mv2b0bjm',
    storeId: check.storeId,
    transactionId: check.transactionId,
    revision: Object.keys(answers).length + 1,
    action: made.action,
    score: made.score,
    reasons: made.reasons,
    locale: made.locale,
    next: made.next,
    prompt: made.prompt,
    ruleSetVersion: made.ruleSetVersion,
    evaluatedAt: '2026-12-06T10:00:00.000Z',
  };
}

declare global {
  interface Window {
    ready: boolean;
    escalations: unknown[];
    recorded: unknown[];
    refuseToRecord: boolean;
  }
}

const build = mkdtempSync(join(tmpdir(), 'vouchsafe-hand-off-'));
afterAll(() => rmSync(build, { recursive: true, force: true }));
let files: Record<string, string | Buffer>;
beforeAll(async () => {
  const bundle = await buildBrowserBundle(build);
  files = { '/index.html': PAGE, '/vouchsafe-till.js': readFileSync(bundle.path) };
}, 120_000);

async function show(page: Page, shown: Decision): Promise<void> {
  await page.evaluate((value) => {
    document.querySelector('vouchsafe-prompt')!.decision = value;
  }, shown);
}

/** The hand-off as the page shows it. */
function handOff(page: Page) {
  return page.locator('vouchsafe-prompt').evaluate((element) => {
    const root = element.shadowRoot!;
    const list = root.querySelector('ol.hand-off');
    return {
      label: list ? root.getElementById(list.getAttribute('aria-labelledby')!)?.textContent : null,
      items: Array.from(root.querySelectorAll('ol.hand-off > li')).map((item) => ({
        text: item.querySelector('p')!.textContent,
        links: Array.from(item.querySelectorAll('a')).map((link) => [link.textContent, link.getAttribute('href')]),
        button: item.querySelector('button')!.textContent,
        disabled: item.querySelector('button')!.disabled,
        describedBy: root.getElementById(item.querySelector('button')!.getAttribute('aria-describedby')!)?.textContent,
      })),
    };
  });
}

describe.skipIf(!chromiumAvailable)('the hand-off in <vouchsafe-prompt>', () => {
  it('lists what to do for the customer in order, each number a tel: link, and records a tap as an escalation', { timeout: 180_000 }, async () => {
    const origin = await tillSite(files, onTestFinished);
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    const problems = problemsOf(page);
    await page.goto(origin);
    await page.waitForFunction(() => window.ready);

    const held = decision('en-GB');
    await show(page, held);
    const shown = await handOff(page);
    expect(shown.label).toBe('Help the customer now');
    expect(shown.items.map((item) => item.text)).toEqual(held.next.handOff!.map((action) => action.text));
    expect(shown.items[0]).toMatchObject({ links: [['999', 'tel:999']], button: 'Mark as done', disabled: false, describedBy: held.next.handOff![0]!.text });
    expect(shown.items[4]!.links).toEqual([
      ['101', 'tel:101'],
      ['0300 123 2040', 'tel:03001232040'],
    ]);

    // A till that could not record the step cancels the event: the button stays, to try again.
    await page.evaluate(() => (window.refuseToRecord = true));
    await page.locator('vouchsafe-prompt button[data-hand-off="bank"]').click();
    expect((await handOff(page)).items[1]).toMatchObject({ button: 'Mark as done', disabled: false });

    await page.evaluate(() => (window.refuseToRecord = false));
    await page.locator('vouchsafe-prompt button[data-hand-off="bank"]').click();
    const escalations = await page.evaluate(() => window.escalations);
    expect(escalations).toEqual([
      { checkId: held.checkId, step: 'called_bank_159', handOffId: 'bank', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) },
      { checkId: held.checkId, step: 'called_bank_159', handOffId: 'bank', at: expect.any(String) },
    ]);
    expect((await handOff(page)).items[1]).toMatchObject({ button: 'Done ✓', disabled: true });
    // Only the tap nobody cancelled reaches the till, with who is at it.
    expect(await page.evaluate(() => window.recorded)).toEqual([
      { checkId: held.checkId, step: 'called_bank_159', by: 'C1234', at: (escalations[1] as { at: string }).at },
    ]);

    // The customer then says the cards pay a bill: refused, the same hand-off, what was done still marked.
    const refused = decision('en-GB', { codesRequested: 'no', purpose: 'bill_or_fine' });
    expect(refused.action).toBe('refuse');
    await show(page, refused);
    expect((await handOff(page)).items.map((item) => item.button)).toEqual(['Mark as done', 'Done ✓', 'Mark as done', 'Mark as done', 'Mark as done']);

    // Another check starts afresh.
    await show(page, { ...refused, checkId: 'chk_01m999psdy7yqz3cp2mv2b0bjm' });
    expect((await handOff(page)).items.every((item) => item.button === 'Mark as done')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('speaks the decision’s language, and lists nothing while the sale may go ahead', { timeout: 180_000 }, async () => {
    const origin = await tillSite(files, onTestFinished);
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    await page.goto(origin);
    await page.waitForFunction(() => window.ready);

    await show(page, decision('cy-GB'));
    const welsh = await handOff(page);
    expect(welsh.label).toBe('Helpwch y cwsmer nawr');
    expect(welsh.items[0]).toMatchObject({ text: 'Os ydyn nhw mewn perygl, neu os yw galwr yn dal i bwyso arnyn nhw, ffoniwch 999.', button: 'Marcio wedi’i wneud' });

    const released = { ...decision('en-GB'), action: 'allow' as const, prompt: null, next: { step: 'finish_sale' as const, say: 'You can finish the sale.', messageId: 'next.finish_sale' } };
    await show(page, released);
    expect((await handOff(page)).items).toEqual([]);
  });
});
