/**
 * The browser bundle's entry (`dist/browser/vouchsafe-till.js`): the SDK, `indexedDbOutbox()` and the
 * `<vouchsafe-prompt>` element, in one ES module with every dependency inside.
 */
export * from './index.js';
export * from './prompt/index.js';
