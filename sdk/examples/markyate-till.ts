/**
 * An example till, walking the seed's Markyate case: an 87-year-old man, told on the phone that he
 * owes HMRC £500, comes in to buy five £100 iTunes vouchers to pay it.
 *
 *   npm run example:till
 *
 * With VOUCHSAFE_URL and VOUCHSAFE_TILL_KEY set (a till key for VOUCHSAFE_STORE, default
 * herts-markyate-003) it uses that service. Otherwise it starts one on a free local port with a
 * throwaway database, and then also stops it mid-shift and starts it again, to show the till
 * carrying on offline and delivering what it recorded when the service is back.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/http/app.js';
import type { CheckRecord } from '../../src/contract/check-record.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { type Basket, createTillClient, type OutcomeInput, type TillClient, type TillDecision } from '../src/index.js';
import { sqliteOutbox } from '../src/node.js';

// ─── The till: this is what an integration looks like ───────────────────────────────────────────

/** A sale with gift cards in it, from the first scan to the receipt. */
async function sell(till: TillClient, basket: Basket, customerSays: Record<string, string>) {
  let decision = await till.check(basket); // on the first gift-card scan, and whenever the basket changes
  show(decision);
  if (decision.action !== 'allow') {
    // The colleague asks the prompt's questions and taps the customer's answers.
    const answers = Object.fromEntries(decision.prompt!.questions.filter((q) => q.id in customerSays).map((q) => [q.id, customerSays[q.id]!]));
    decision = await till.answer(decision.checkId, answers);
    show(decision);
  }
  let sold = decision.action !== 'refuse';
  if (decision.review?.status === 'open') {
    // Held: the sale waits for a supervisor, who comes to the till (or decides on a handheld: watchReview()).
    say(`on hold until a supervisor decides, by ${decision.review.deadline}; past it, the sale is refused`);
    const hold = await till.review(decision.checkId, { decision: 'refuse', supervisorRef: 'S0042' });
    say(`the supervisor: ${hold.review.status}${hold.prompt ? ` — "${hold.prompt.say}"` : ''}`);
    sold = hold.review.status === 'released';
  }
  const outcome: OutcomeInput['outcome'] = !sold ? 'scam_confirmed' : decision.action === 'allow' ? 'proceeded' : 'proceeded_after_warning';
  const receipt = await till.outcome(decision.checkId, { outcome, staffRef: 'C1234' });
  say(`outcome ${outcome}: ${receipt.status}`);
  return { checkId: decision.checkId, outcome };
}

// ─── What the colleague sees ─────────────────────────────────────────────────────────────────────

let last = performance.now();
const say = (text: string) => console.log(`  ${text}`);

function show(decision: TillDecision): void {
  const ms = Math.round(performance.now() - last);
  const from = decision.source === 'service' ? 'from Vouchsafe' : `decided by the till, offline (${decision.cause.name})`;
  console.log(`\n  ┌ ${decision.action.toUpperCase()} in ${ms} ms, ${from}; check ${decision.checkId}`);
  for (const reason of decision.reasons) console.log(`  │ • ${reason.message}`);
  if (decision.prompt) {
    console.log(`  │ ${decision.prompt.headline}`);
    console.log(`  │ Say: "${decision.prompt.say}"`);
    for (const question of decision.prompt.questions) console.log(`  │ ? ${question.text} [${question.options.map((o) => o.label).join(' | ')}]`);
    for (const advice of decision.prompt.advice) console.log(`  │ ℹ ${advice.text}`);
  }
  console.log(`  └ Next: ${decision.next.say}${decision.next.deadline ? ` (by ${decision.next.deadline})` : ''}`);
  last = performance.now();
}

// ─── The harness: a local service, unless you point the example at yours ──────────────────────────

const STORE = process.env.VOUCHSAFE_STORE ?? 'herts-markyate-003';

async function localService() {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-example-'));
  const adminKey = `example-admin-${randomBytes(16).toString('hex')}`;
  let port = 0;
  let running: { server: Server; close: () => void } | undefined;
  const start = async () => {
    const services = await buildServices({ databasePath: join(dir, 'vouchsafe.db'), rulesDirectory: 'rules', adminKey, logger: createLogger('warn') });
    const server = await new Promise<Server>((resolve) => {
      const listening = serve({ fetch: createApp(services).fetch, port, hostname: '127.0.0.1' }, (info) => {
        port = info.port;
        resolve(listening as Server);
      });
    });
    running = { server, close: () => void services.store.close() };
  };
  const stop = async () => {
    if (!running) return;
    const { server, close } = running;
    running = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    close();
  };
  await start();
  const url = `http://127.0.0.1:${port}`;
  const made = await fetch(`${url}/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'till', name: 'Markyate tills', storeIds: [STORE] }),
  });
  const { key } = (await made.json()) as { key: string };
  return { url, key, dir, start, stop, lookUp: (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } }) };
}

const markyate = (transactionId: string): Basket => ({
  transactionId,
  currency: 'GBP',
  lines: [{ kind: 'gift_card', sku: '5055555500100', description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
  tender: 'cash',
  customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
});

async function main(): Promise<void> {
  const external = process.env.VOUCHSAFE_URL && process.env.VOUCHSAFE_TILL_KEY;
  const service = external ? undefined : await localService();
  const outboxDir = mkdtempSync(join(tmpdir(), 'vouchsafe-till-'));
  const till = createTillClient({
    baseUrl: external ? process.env.VOUCHSAFE_URL! : service!.url,
    apiKey: external ? process.env.VOUCHSAFE_TILL_KEY! : service!.key,
    storeId: STORE,
    tillId: 'T04',
    timeoutMs: 300,
    outbox: sqliteOutbox(join(outboxDir, 'outbox.db')), // survives a till restart
  });
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');

  try {
    console.log(`Markyate, till T04. An 87-year-old brings five £100 iTunes vouchers to the till; a caller told him he owes HMRC £500.`);
    last = performance.now();
    await sell(till, markyate(`T04-${day}-${Date.now()}`), { purpose: 'bill_or_fine', someoneAskedYouToBuy: 'yes' });

    if (service) {
      console.log('\nThe store network drops (the service is stopped). Later, the same story at the same till:');
      await service.stop();
      last = performance.now();
      const sale = await sell(till, markyate(`T04-${day}-${Date.now()}`), { purpose: 'bill_or_fine' });
      say(`queued on the till: ${till.pending()} (the check, the answers, the outcome)`);

      console.log('\nThe network is back (the service is started again).');
      await service.start();
      const flushed = await till.flush(); // it also happens by itself: on a timer, and after the next request that succeeds
      say(`delivered ${flushed.delivered}, still queued ${flushed.pending}, dead letters ${till.deadLetters().length}`);
      // The local id still works; sending the same outcome again is recorded once.
      const again = await till.outcome(sale.checkId, { outcome: sale.outcome, staffRef: 'C1234' });
      if (again.status === 'recorded') {
        const record = (await (await service.lookUp(`/v1/checks/${again.record.checkId}`)).json()) as CheckRecord;
        say(`the service has ${sale.checkId} as ${record.checkId}:`);
        say(`  occurred ${record.occurredAt}, received ${record.receivedAt}`);
        say(`  the till showed ${record.offlineDecision?.action} (rule set ${record.offlineDecision?.ruleSetVersion})`);
        say(`  decisions: ${record.evaluations.map((e) => `${e.trigger} → ${e.action}`).join(', ')}; outcome ${record.outcome?.outcome}`);
      }
    }
  } finally {
    await till.close();
    await service?.stop();
    rmSync(outboxDir, { recursive: true, force: true });
    if (service) rmSync(service.dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
