import type { RuleSetSource } from '../../src/contract/rule-file.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

/** The default rule set with one file's text changed, or a file added. */
export function editedRules(edit: { file: string; replace?: [string, string]; append?: string }): RuleSetSource {
  const source = loadRuleDirectory('rules');
  const files = source.files.some((f) => f.path === edit.file) ? source.files : [...source.files, { path: edit.file, content: '' }];
  return {
    ...source,
    files: files.map((file) => {
      if (file.path !== edit.file) return file;
      let content = file.content;
      if (edit.replace) {
        if (!content.includes(edit.replace[0])) throw new Error(`${edit.file} has no "${edit.replace[0]}"`);
        content = content.replace(edit.replace[0], edit.replace[1]);
      }
      return { ...file, content: content + (edit.append ?? '') };
    }),
  };
}

/** A rule that holds any Razer Gold card of £50 or more (a brand no default test uses): easy to see in a decision. */
export const RAZER_RULE = `rules:
  - id: razer-gold-over-50
    when: '"razer_gold" in giftCards.brands && giftCards.total >= 5000'
    score: 50
    reason: Razer Gold cards worth {giftCards.total|money}
tests:
  - name: Razer Gold over £50 is held
    check: { lines: [{ kind: gift_card, brand: Razer Gold, unitAmount: 5000 }] }
    expect: { action: hold, rules: [razer-gold-over-50] }
`;
