import type { HandOffAction, HandOffStep } from '../../../src/contract/decision.js';
import type { PromptLabels } from './labels.js';

/** What a tap on a hand-off action's button says: the check, the escalation step it records, and when. */
export interface EscalateEventDetail {
  checkId: string;
  /** The escalation step to record (`POST /v1/checks/{checkId}/escalations`, body `step`). */
  step: HandOffStep;
  /** Which hand-off action was done (its message id is `handOff.<handOffId>`). */
  handOffId: string;
  /** When the colleague tapped it, by the till's clock (ISO 8601): the escalation's `at`. */
  at: string;
}

// Which actions the colleague has marked done, per element: a new decision for the same check (a hold
// that is then refused) shows the same hand-off, and what was done stays marked.
const done = new WeakMap<HTMLElement, Set<string>>();

/** The digits to dial for a number as written (`0300 123 2040` → `03001232040`), keeping a leading +. */
const dialable = (phone: string): string => phone.replace(/[^+0-9]/g, '');

/** The text with each of its numbers a `tel:` link, set as text nodes and elements, never as HTML. */
function withPhoneLinks(text: string, phones: readonly string[]): Node[] {
  const nodes: Node[] = [];
  let rest = text;
  while (rest !== '') {
    const found = phones
      .map((phone) => ({ phone, at: rest.indexOf(phone) }))
      .filter(({ at }) => at >= 0)
      .sort((a, b) => a.at - b.at || b.phone.length - a.phone.length)[0];
    if (!found) {
      nodes.push(document.createTextNode(rest));
      break;
    }
    if (found.at > 0) nodes.push(document.createTextNode(rest.slice(0, found.at)));
    const link = document.createElement('a');
    link.href = `tel:${dialable(found.phone)}`;
    link.textContent = found.phone;
    nodes.push(link);
    rest = rest.slice(found.at + found.phone.length);
  }
  return nodes;
}

/**
 * The warm hand-off, in order, as a numbered list: each action's text (numbers as `tel:` links for a
 * handheld; the text reads the same without them) and a button to mark it done. The button dispatches
 * a cancelable `vouchsafe-escalate` event from `host`; unless a listener cancels it (it could not record
 * the step, or records it its own way), `record` records it and the button then says so.
 */
export function renderHandOff(
  host: HTMLElement,
  checkId: string,
  handOff: readonly HandOffAction[],
  labels: PromptLabels,
  record?: (detail: EscalateEventDetail) => void,
): HTMLElement[] {
  const marked = done.get(host) ?? new Set<string>();
  done.set(host, marked);
  const heading = document.createElement('p');
  heading.className = 'label';
  heading.id = 'hand-off-label';
  heading.textContent = labels.handOff;
  const list = document.createElement('ol');
  list.className = 'hand-off';
  list.setAttribute('aria-labelledby', 'hand-off-label');
  for (const [n, action] of handOff.entries()) {
    const item = document.createElement('li');
    item.dataset.messageId = action.messageId;
    item.dataset.step = action.step;
    const text = document.createElement('p');
    text.id = `hand-off-${n}`;
    text.append(...withPhoneLinks(action.text, action.phones));
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.handOff = action.id;
    button.setAttribute('aria-describedby', text.id);
    const key = `${checkId} ${action.id}`;
    const showDone = () => {
      button.textContent = labels.handOffRecorded;
      button.disabled = true;
    };
    if (marked.has(key)) showDone();
    else button.textContent = labels.recordHandOff;
    button.addEventListener('click', () => {
      const detail: EscalateEventDetail = { checkId, step: action.step, handOffId: action.id, at: new Date().toISOString() };
      if (!host.dispatchEvent(new CustomEvent('vouchsafe-escalate', { detail, bubbles: true, composed: true, cancelable: true }))) return;
      record?.(detail);
      marked.add(key);
      showDone();
    });
    item.append(text, button);
    list.append(item);
  }
  return [heading, list];
}

declare global {
  interface HTMLElementEventMap {
    'vouchsafe-escalate': CustomEvent<EscalateEventDetail>;
  }
}
