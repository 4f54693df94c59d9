import type { Decision, Prompt } from '../../../src/contract/decision.js';
import { CorsError } from '../errors.js';
import type { Answers, EscalationInput, EscalationReceipt, HoldState, TillDecision, WatchOptions } from '../types.js';
import { type EscalateEventDetail, renderHandOff } from './hand-off.js';
import { labelsFor, type PromptLabels } from './labels.js';
import { STYLES } from './styles.js';

/** What the element needs of a till client: `createTillClient()` gives it. */
export interface AnsweringTill {
  answer(checkId: string, answers: Answers): Promise<TillDecision>;
  /** With it, a held sale is followed to its end, wherever a supervisor decides it. */
  watchReview?(checkId: string, options?: WatchOptions): Promise<HoldState>;
  /** With it, a hand-off action marked done is recorded on the check's case (unless a `vouchsafe-escalate` listener cancels it). */
  escalate?(checkId: string, input: EscalationInput): Promise<EscalationReceipt>;
}

export interface AnswerEventDetail {
  checkId: string;
  answers: Answers;
}

export interface HoldEventDetail {
  hold: HoldState;
}

// Defined where there is no DOM (Node, a test runner) without failing: importing the SDK there must work.
const Base = (globalThis.HTMLElement ?? class {});

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * `<vouchsafe-prompt>`: the colleague's screen for a decision. Shows what to do, what to say, and one
 * question at a time with big answer buttons; sends each answer through the till client and shows
 * the next step. Framework-free; every text is set as text, never as HTML.
 *
 *   const prompt = document.querySelector('vouchsafe-prompt');
 *   prompt.till = till;                         // createTillClient(…)
 *   prompt.decision = await till.check(basket);
 *   prompt.addEventListener('vouchsafe-decision', (event) => …event.detail.decision…);
 *
 * Without a `till`, a tap dispatches a cancelable `vouchsafe-answer` event and sends nothing.
 * A refusal or a hold also lists the warm hand-off; marking an action done dispatches a cancelable
 * `vouchsafe-escalate` event (see EscalateEventDetail) for the till to record.
 *
 * A held sale is followed through `till.watchReview()` until a supervisor releases or refuses it
 * (on a handheld, another till, the dashboard) or its deadline passes: the screen then says so, with
 * the refusal script when it was not released, and a `vouchsafe-hold` event carries the `HoldState`.
 */
export class VouchsafePromptElement extends Base {
  #till: AnsweringTill | undefined;
  #decision: TillDecision | Decision | undefined;
  #busy = false;
  #failed = false;
  /** How the hold ended, once it has; cleared by a new decision. */
  #hold: HoldState | undefined;
  #watching: AbortController | undefined;
  readonly #root: ShadowRoot;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
  }

  get till(): AnsweringTill | undefined {
    return this.#till;
  }

  set till(till: AnsweringTill | undefined) {
    this.#till = till;
    this.#follow();
  }

  /**
   * Who is at the till, as the store knows them (the `colleague` attribute, a staff number): recorded
   * as who carried out a hand-off action. Without it, "till colleague".
   */
  get colleague(): string {
    return this.getAttribute('colleague')?.trim() || 'till colleague';
  }

  /** A hand-off action done: recorded through the till, queued like an outcome when the service is away. */
  #escalate(detail: EscalateEventDetail): void {
    // The receipt says queued or recorded; a refusal for good shows in the till's deadLetters().
    this.#till?.escalate?.(detail.checkId, { step: detail.step, by: this.colleague, at: detail.at }).catch(() => undefined);
  }

  /** How the held sale ended: undefined while it is open, or when the decision held nothing. */
  get hold(): HoldState | undefined {
    return this.#hold;
  }

  get decision(): TillDecision | Decision | undefined {
    return this.#decision;
  }

  set decision(decision: TillDecision | Decision | undefined) {
    this.#decision = decision;
    this.#failed = false;
    this.#hold = undefined;
    this.#follow();
    this.#render();
  }

  connectedCallback(): void {
    this.#follow();
    this.#render();
  }

  disconnectedCallback(): void {
    this.#watching?.abort();
    this.#watching = undefined;
  }

  /** Watches the decision's hold while it is open, the element is on the page, and the till can watch. */
  #follow(): void {
    this.#watching?.abort();
    this.#watching = undefined;
    const decision = this.#decision;
    const till = this.#till;
    if (!decision || decision.review?.status !== 'open' || !till?.watchReview || !this.isConnected) return;
    const watching = new AbortController();
    this.#watching = watching;
    till.watchReview(decision.checkId, { signal: watching.signal }).then(
      (hold) => {
        if (watching.signal.aborted) return;
        this.#watching = undefined;
        this.#hold = hold;
        this.#render();
        this.dispatchEvent(new CustomEvent('vouchsafe-hold', { detail: { hold }, bubbles: true, composed: true }));
        this.#root.querySelector<HTMLElement>('h2')?.focus();
      },
      (error: unknown) => {
        if (watching.signal.aborted) return;
        this.#watching = undefined;
        this.dispatchEvent(new CustomEvent('vouchsafe-error', { detail: { error }, bubbles: true, composed: true }));
      },
    );
  }

  async #answer(checkId: string, questionId: string, value: string): Promise<void> {
    if (this.#busy) return;
    const detail: AnswerEventDetail = { checkId, answers: { [questionId]: value } };
    const proceed = this.dispatchEvent(new CustomEvent('vouchsafe-answer', { detail, bubbles: true, composed: true, cancelable: true }));
    if (!proceed || !this.#till) return;
    this.#busy = true;
    this.#render();
    try {
      const decision = await this.#till.answer(checkId, detail.answers);
      this.#busy = false;
      this.decision = decision;
      this.dispatchEvent(new CustomEvent('vouchsafe-decision', { detail: { decision }, bubbles: true, composed: true }));
      // The screen changed under the colleague's finger: take focus (and a screen reader) to what it says now.
      this.#root.querySelector<HTMLElement>('h2')?.focus();
    } catch (error) {
      this.#busy = false;
      this.#failed = true;
      this.#render();
      this.dispatchEvent(new CustomEvent('vouchsafe-error', { detail: { error }, bubbles: true, composed: true }));
    }
  }

  #render(): void {
    const root = this.#root;
    root.replaceChildren(element('style', {}, STYLES));
    const decision = this.#decision;
    if (!decision) return;
    const prompt = decision.prompt;
    const locale = this.#locale(decision);
    const labels = labelsFor(locale);
    const panel = element('section', { class: 'panel', 'data-action': decision.action, 'data-step': decision.next?.step ?? '', 'aria-labelledby': 'headline' });
    if (locale) panel.setAttribute('lang', locale);
    if (this.#hold) {
      this.#renderHoldEnd(panel, this.#hold, labels);
      root.append(panel);
      return;
    }
    panel.append(element('p', { class: 'action' }, labels.action[decision.action]));
    if (!prompt) {
      panel.append(element('h2', { id: 'headline', tabindex: '-1' }, labels.action.allow));
    } else {
      this.#renderPrompt(panel, decision.checkId, prompt, labels);
    }
    // What to do now: after the question, so the colleague's eye lands on the question first.
    if (decision.next) {
      panel.append(element('p', { class: 'label' }, labels.nextStep));
      panel.append(element('p', { class: 'next', 'data-message-id': decision.next.messageId }, decision.next.say));
      if (decision.next.deadline) panel.append(element('p', { class: 'deadline' }, labels.deadline(decision.next.deadline, locale)));
      if (decision.next.handOff?.length) panel.append(...renderHandOff(this, decision.checkId, decision.next.handOff, labels, (detail) => this.#escalate(detail)));
    }
    if (prompt && prompt.advice.length > 0) {
      panel.append(element('p', { class: 'label', id: 'advice-label' }, labels.advice));
      const list = element('ul', { 'aria-labelledby': 'advice-label' });
      for (const line of prompt.advice) list.append(element('li', { 'data-message-id': line.messageId }, line.text));
      panel.append(list);
    }
    panel.append(element('p', { class: 'status', role: 'status' }, this.#status(decision, labels)));
    root.append(panel);
  }

  #renderPrompt(panel: HTMLElement, checkId: string, prompt: Prompt, labels: PromptLabels): void {
    panel.append(element('h2', { id: 'headline', tabindex: '-1' }, prompt.headline));
    panel.append(element('p', { class: 'label', id: 'say-label' }, labels.say));
    panel.append(element('blockquote', { class: 'say', 'aria-labelledby': 'say-label' }, prompt.say));

    const [question, ...later] = prompt.questions;
    if (question) {
      const group = element('div', { role: 'group', 'aria-labelledby': 'ask-label question' });
      group.append(element('p', { class: 'label', id: 'ask-label' }, labels.ask));
      group.append(element('p', { class: 'question', id: 'question' }, question.text));
      const answers = element('div', { class: 'answers' });
      for (const option of question.options) {
        const button = element('button', { type: 'button', 'data-answer': option.value }, option.label);
        button.disabled = this.#busy;
        button.addEventListener('click', () => void this.#answer(checkId, question.id, option.value));
        answers.append(button);
      }
      group.append(answers);
      if (later.length > 0) group.append(element('p', { class: 'more' }, labels.moreToAsk(later.length)));
      panel.append(group);
    }
  }

  /** The hold is over: finish the sale, or the refusal script. Nothing is left to ask. */
  #renderHoldEnd(panel: HTMLElement, hold: HoldState, labels: PromptLabels): void {
    const released = hold.review.status === 'released';
    panel.setAttribute('data-hold', hold.review.status);
    panel.setAttribute('data-action', released ? 'allow' : 'refuse');
    panel.setAttribute('data-step', released ? 'finish_sale' : 'refuse');
    panel.append(element('p', { class: 'action' }, released ? labels.action.allow : labels.action.refuse));
    const ended = labels.holdEnded[hold.review.status as keyof PromptLabels['holdEnded']]; // watchReview() resolves only once it is not open.
    if (!hold.prompt) {
      panel.append(element('h2', { id: 'headline', tabindex: '-1' }, ended));
    } else {
      panel.append(element('h2', { id: 'headline', tabindex: '-1' }, hold.prompt.headline));
      panel.append(element('p', { class: 'ended' }, ended));
      panel.append(element('p', { class: 'label', id: 'say-label' }, labels.say));
      panel.append(element('blockquote', { class: 'say', 'aria-labelledby': 'say-label' }, hold.prompt.say));
    }
  }

  #status(decision: TillDecision | Decision, labels: PromptLabels): string {
    if (this.#busy) return labels.sending;
    if (this.#failed) return labels.answerFailed;
    if (this.#watching) return labels.waitingForSupervisor;
    if (!('source' in decision) || decision.source !== 'offline') return '';
    return decision.cause instanceof CorsError ? labels.originRefused : labels.decidedOffline;
  }

  #locale(decision: TillDecision | Decision): string | undefined {
    return decision.locale ?? (this.closest('[lang]')?.getAttribute('lang') || undefined);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'vouchsafe-prompt': VouchsafePromptElement;
  }
  interface HTMLElementEventMap {
    'vouchsafe-answer': CustomEvent<AnswerEventDetail>;
    'vouchsafe-decision': CustomEvent<{ decision: TillDecision }>;
    'vouchsafe-error': CustomEvent<{ error: unknown }>;
    'vouchsafe-hold': CustomEvent<HoldEventDetail>;
  }
}
