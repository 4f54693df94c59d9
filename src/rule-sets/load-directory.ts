import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleSetSource } from '../contract/rule-file.js';

/** Reads `<dir>/*.yaml` as rule files and `<dir>/prompts/*.yaml` as prompt files. */
export function loadRuleDirectory(directory: string): RuleSetSource {
  const yamlIn = (dir: string) =>
    readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name) && statSync(join(dir, name)).isFile())
      .sort();
  const files = yamlIn(directory).map((name) => ({ path: name, content: readFileSync(join(directory, name), 'utf8') }));
  const promptsDir = join(directory, 'prompts');
  const prompts = yamlIn(promptsDir).map((name) => ({
    path: `prompts/${name}`,
    content: readFileSync(join(promptsDir, name), 'utf8'),
  }));
  return { files, prompts };
}
