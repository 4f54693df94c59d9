import { isMap, isSeq, parseDocument } from 'yaml';
import type { Bands, RuleSetSource } from '../contract/rule-file.js';

/**
 * The rule set's own files with new scores and bands written in, everything else (conditions,
 * reasons, descriptions, tests, comments, prompts) exactly as it was, so the candidate reads as the
 * analyst's rule set with a few numbers changed, and its diff shows only those.
 */
export function withScores(source: RuleSetSource, scores: ReadonlyMap<string, number>, bands: Bands, note: string): RuleSetSource {
  const bandsIn = source.files.find((file) => /^bands:/m.test(file.content))?.path ?? [...source.files].sort((a, b) => a.path.localeCompare(b.path))[0]!.path;
  const files = source.files.map((file) => {
    const doc = parseDocument(file.content);
    let changed = false;
    const rules = doc.get('rules', true);
    if (isSeq(rules)) {
      for (const item of rules.items) {
        if (!isMap(item)) continue;
        const id = item.get('id');
        const score = typeof id === 'string' ? scores.get(id) : undefined;
        if (score === undefined || item.get('score') === score) continue;
        item.set('score', score);
        changed = true;
      }
    }
    if (file.path === bandsIn) {
      doc.set('bands', doc.createNode(bands, { flow: false }));
      doc.commentBefore = [doc.commentBefore, ` ${note}`].filter(Boolean).join('\n');
      changed = true;
    }
    return changed ? { path: file.path, content: doc.toString({ lineWidth: 0 }) } : file;
  });
  return { files, prompts: source.prompts };
}
