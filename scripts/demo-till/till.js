// The demo till: a page on its own origin that uses the built browser bundle and <vouchsafe-prompt>,
// as a till vendor's page would. Pick a story, scan the basket, tap the customer's answers.
import { createTillClient, indexedDbOutbox } from './vouchsafe-till.js';
import { STORIES } from './stories.js';

const config = await (await fetch('./config.json')).json();
const tills = new Map();
const tillFor = (storeId) => {
  if (!tills.has(storeId)) {
    tills.set(storeId, createTillClient({ baseUrl: config.serviceUrl, apiKey: config.apiKey, storeId, tillId: 'T04', outbox: indexedDbOutbox({ name: `demo-till-${storeId}-T04` }) }));
  }
  return tills.get(storeId);
};
const till = tillFor(config.storeId);

const $ = (selector) => document.querySelector(selector);
const prompt = $('vouchsafe-prompt');
prompt.till = till;
let current;

function showStatus(text) {
  $('#status').textContent = text;
}

function pick(story) {
  current = story;
  $('#story-title').textContent = story.title;
  $('#story-text').textContent = story.story;
  const basket = $('#basket');
  basket.replaceChildren();
  for (const line of story.basket.lines) {
    const item = document.createElement('li');
    item.textContent = `${line.quantity ?? 1} × ${line.description ?? line.brand} (£${(line.unitAmount / 100).toFixed(2)})`;
    basket.append(item);
  }
  $('#scan').disabled = false;
  $('#outcomes').hidden = true;
  prompt.decision = undefined;
}

async function scan() {
  $('#scan').disabled = true;
  const sale = `DEMO-${Date.now().toString(36)}`;
  for (const [n, earlier] of (current.earlier ?? []).entries()) {
    const occurredAt = new Date(Date.now() - earlier.minutesAgo * 60_000).toISOString();
    await tillFor(earlier.storeId).check({ ...earlier.basket, transactionId: `${sale}-earlier-${n}`, occurredAt });
  }
  const decision = await till.check({ ...current.basket, transactionId: sale });
  show(decision);
}

// "Sold" only when the sale may go ahead: not while a hold waits for a supervisor, nor after a refusal
// (the service would refuse that outcome, and the SDK sets it aside as dead-lettered at once).
function offerSale(maySell) {
  $('[data-outcome="proceeded_after_warning"]').hidden = !maySell;
}

function show(decision) {
  prompt.decision = decision;
  $('#outcomes').hidden = false;
  const held = decision.review?.status === 'open';
  offerSale(decision.action !== 'refuse' && (decision.action !== 'hold' || decision.review?.status === 'released'));
  const how = `${decision.source === 'offline' ? 'Decided on the till' : 'Decided by Vouchsafe'} (${decision.action})`;
  showStatus(`${how}${held ? ': held until a supervisor releases or refuses it, here or on their handheld' : ''}. Waiting to send: ${till.pending()}.`);
}

function holdEnded(hold) {
  offerSale(hold.review.status === 'released');
  showStatus(`The hold was ${hold.review.status}${hold.review.closedBy?.supervisorRef ? ` by ${hold.review.closedBy.supervisorRef}` : ''}. Waiting to send: ${till.pending()}.`);
}

async function record(outcome) {
  const receipt = await till.outcome(prompt.decision.checkId, { outcome });
  $('#outcomes').hidden = true;
  showStatus(`Outcome ${outcome.replaceAll('_', ' ')}: ${receipt.status}. Waiting to send: ${till.pending()}.`);
}

const list = $('#stories');
for (const story of STORIES) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = story.title;
  button.dataset.story = story.id;
  button.addEventListener('click', () => pick(story));
  list.append(button);
}
$('#scan').addEventListener('click', () => void scan());
prompt.addEventListener('vouchsafe-decision', (event) => show(event.detail.decision));
// The colleague marked a hand-off action done (police called, the bank through 159…): the element
// records it through the till as an escalation on the check's case, with who did it (the `colleague`
// attribute), queued like an outcome if the service is away (docs/till-integration.md, "The warm hand-off").
prompt.addEventListener('vouchsafe-escalate', (event) => showStatus(`Hand-off recorded on the case: ${event.detail.step.replaceAll('_', ' ')}, at ${event.detail.at.slice(11, 16)} UTC.`));
prompt.addEventListener('vouchsafe-hold', (event) => holdEnded(event.detail.hold));
for (const button of document.querySelectorAll('[data-outcome]')) button.addEventListener('click', () => void record(button.dataset.outcome));
document.body.dataset.ready = 'true';
