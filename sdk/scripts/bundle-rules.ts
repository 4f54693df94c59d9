import { writeFileSync } from 'node:fs';
import { compileRuleSet } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

/**
 * Writes the default rule set (rules/) into the SDK as a module, so a till can decide offline from
 * its very first start, in a browser too, with no file to read. Run after changing rules/:
 *   npm run sdk:bundle-rules
 * A test fails while the bundled copy and rules/ differ.
 */
const source = loadRuleDirectory(process.argv[2] ?? 'rules');
const { version } = compileRuleSet(source);
const out = process.argv[3] ?? 'sdk/src/rules/bundled.ts';
writeFileSync(
  out,
  [
    `// Generated from rules/ by \`npm run sdk:bundle-rules\` (rule set ${version}). Do not edit: change rules/ and run it again.`,
    `import type { RuleSetSource } from '../../../src/contract/rule-file.js';`,
    ``,
    `export const BUNDLED_RULES: RuleSetSource = ${JSON.stringify(source, null, 2)};`,
    ``,
  ].join('\n'),
);
console.log(`wrote ${out}: rule set ${version}, ${source.files.length} rule files, ${source.prompts.length} prompt file(s)`);
