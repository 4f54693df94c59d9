import type { PromptFile } from '../contract/rule-file.js';

/**
 * A rule set's prompts in several languages: which one a check gets, and that every language can
 * say everything another can. Pure, so the SDK chooses offline exactly as the service does.
 */

export interface LocaleProblem {
  file: string;
  message: string;
}

/**
 * Every locale must have every prompt, question and answer that any other has: a colleague in Wales
 * must never get a question in English halfway through, nor a button the Welsh file forgot. Each
 * problem names the file that lacks something and the id it lacks.
 */
export function checkLocalesAgree(files: ReadonlyArray<{ path: string; file: PromptFile }>): LocaleProblem[] {
  const problems: LocaleProblem[] = [];
  const seen = new Map<string, string>();
  for (const { path, file } of files) {
    const earlier = seen.get(file.locale.toLowerCase());
    if (earlier) problems.push({ file: path, message: `locale ${file.locale} is also in ${earlier}` });
    seen.set(file.locale.toLowerCase(), path);
  }
  const kinds: Array<[string, (file: PromptFile) => string[]]> = [
    ['prompt', (file) => Object.keys(file.prompts)],
    ['question', (file) => Object.keys(file.questions)],
    ['answer', (file) => Object.entries(file.questions).flatMap(([question, { answers }]) => answers.map((answer) => `${question}.${answer.value}`))],
  ];
  for (const [kind, idsOf] of kinds) {
    const where = new Map<string, string>();
    for (const { path, file } of files) for (const id of idsOf(file)) if (!where.has(id)) where.set(id, path);
    for (const { path, file } of files) {
      const has = new Set(idsOf(file));
      for (const [id, source] of where) if (!has.has(id)) problems.push({ file: path, message: `${kind} "${id}" is in ${source} but not in ${path}` });
    }
  }
  return problems;
}

/** The language tags an `Accept-Language` header asks for, most wanted first (`*` and q=0 left out). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param)?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter(({ tag, q }) => tag !== '' && tag !== '*' && q > 0 && Number.isFinite(q))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map(({ tag }) => tag);
}

const language = (tag: string) => tag.toLowerCase().split('-')[0]!;

/**
 * The locale to answer in, from those the rule set has: for each tag wanted, in order, the same
 * locale, else the default if it speaks the same language, else another locale of that language
 * (`cy` gets `cy-GB`, `en-AU` gets the default `en-GB`); when none is spoken, the rule set's default.
 */
export function chooseLocale(available: readonly string[], wanted: readonly string[], defaultLocale: string): string {
  for (const tag of wanted) {
    const exact = available.find((locale) => locale.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    if (language(defaultLocale) === language(tag)) return defaultLocale;
    const sameLanguage = available.find((locale) => language(locale) === language(tag));
    if (sameLanguage) return sameLanguage;
  }
  return defaultLocale;
}
