import { VouchsafePromptElement } from './element.js';

/**
 * `<vouchsafe-prompt>`, defined on import where the page has custom elements (and left alone where
 * it does not, or where it is defined already).
 */
if (globalThis.customElements && !customElements.get('vouchsafe-prompt')) customElements.define('vouchsafe-prompt', VouchsafePromptElement);

export { VouchsafePromptElement, type AnsweringTill, type AnswerEventDetail, type HoldEventDetail } from './element.js';
export { type EscalateEventDetail } from './hand-off.js';
export { labelsFor, type PromptLabels } from './labels.js';
