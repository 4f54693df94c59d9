export { compileOfflinePolicy } from './compile.js';
export { evaluateOfflinePolicy, offlinePolicyFacts, type PolicyDecision, type PolicyFactValue, type PolicyFactValues } from './evaluate.js';
export { offlinePolicyVectors } from './vectors.js';
