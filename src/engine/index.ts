export { compileRuleSet, RuleSetError, formatProblem, type CompiledRuleSet, type CompiledRule, type RuleSetProblem } from './compile.js';
export { contentHash } from './content-hash.js';
export { decide, evaluateFacts, localeOf, type DecideOptions, type EngineDecision, type RuleError } from './decide.js';
export { basketTotals, deriveFacts, NO_HISTORY, type BasketTotals, type FactInputs } from './derive-facts.js';
export { businessDay, DEFAULT_TIME_ZONE, isTimeZone } from './business-day.js';
export { formatMoney, minorUnitsPerMajor } from './money.js';
export { runRuleTest, runRuleTests, testCheck, type RuleTestResult } from './rule-tests.js';
export { compileOfflinePolicy, evaluateOfflinePolicy, offlinePolicyFacts, offlinePolicyVectors, type PolicyFactValues } from './offline-policy/index.js';
export { acceptedLanguages, checkLocalesAgree, chooseLocale } from './locales.js';
