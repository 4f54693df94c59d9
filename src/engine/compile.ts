import { Lexer, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Action } from '../contract/enums.js';
import {
  type Bands,
  type HoldSettings,
  type PromptFile,
  PromptFile as PromptFileSchema,
  type RuleDefinition,
  type RuleFile,
  RuleFile as RuleFileSchema,
  type RuleSetSource,
  type RuleTestCase,
} from '../contract/rule-file.js';
import { contentHash } from './content-hash.js';
import { type CompiledCondition, compileCondition } from './compile-condition.js';
import type { FactTypes } from './cel-fact-types.js';
import { ConditionCache } from './condition-cache.js';
import { checkLocalesAgree } from './locales.js';
import { buildPromptCatalog, checkPromptFile, type PromptCatalog } from './prompts.js';
import { type CompiledTemplate, compileTemplate } from './template.js';

export interface RuleSetProblem {
  file: string;
  ruleId?: string;
  line?: number;
  column?: number;
  message: string;
}

/** A rule set that does not parse, type-check or hang together. Carries every problem found, not just the first. */
export class RuleSetError extends Error {
  constructor(readonly problems: readonly RuleSetProblem[]) {
    super(
      `The rule set has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map(formatProblem).join('\n'),
    );
    this.name = 'RuleSetError';
  }
}

export function formatProblem(problem: RuleSetProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}${problem.column ? `:${problem.column}` : ''}` : problem.file;
  return `${where}${problem.ruleId ? ` [${problem.ruleId}]` : ''}: ${problem.message}`;
}

export interface CompiledRule {
  readonly id: string;
  readonly file: string;
  /** Position in the rule set (files by name, rules as written): the tie-break between equally strong rules. */
  readonly order: number;
  readonly definition: RuleDefinition;
  readonly score: number;
  readonly action: Exclude<Action, 'allow'> | undefined;
  readonly shadow: boolean;
  /** The reason in the rule files' words: for analysts and the default locale. */
  readonly reason: CompiledTemplate;
  /** The colleague's reason in each locale: the prompts file's own words, else the rule's. */
  readonly reasons: ReadonlyMap<string, CompiledTemplate>;
  /** cel-js evaluating the condition on the typed CEL context: the reference semantics. */
  readonly reference: (context: Record<string, unknown>) => unknown;
  /** The same condition as a closure over plain facts, when it falls in the compiled subset. */
  readonly fast: CompiledCondition | undefined;
}

export interface RuleSetTest {
  readonly file: string;
  readonly test: RuleTestCase;
}

export interface CompiledRuleSet {
  readonly version: string;
  readonly contentHash: string;
  readonly source: RuleSetSource;
  readonly bands: Bands;
  readonly holds: HoldSettings;
  readonly rules: readonly CompiledRule[];
  readonly lists: Readonly<Record<string, readonly string[]>>;
  /** The prompts in the default locale: what a check that asks for no language the rule set has gets. */
  readonly prompts: PromptCatalog;
  readonly defaultLocale: string;
  /** Every locale's prompts; each has every prompt, question and answer the others have. */
  readonly locales: ReadonlyMap<string, PromptCatalog>;
  readonly facts: FactTypes;
  readonly tests: readonly RuleSetTest[];
}

const DEFAULT_BANDS: Bands = { prompt: 20, hold: 50, refuse: 80 };
/** £500: about Action Fraud's average iTunes-card loss (£579), and the per-card cap US chains settled on. */
const DEFAULT_HOLDS: HoldSettings = { releaseReasonAbove: 50_000 };
/** How long a held sale waits for a supervisor unless VOUCHSAFE_HOLD_DEADLINE says otherwise. */
export const DEFAULT_HOLD_DEADLINE_MS = 5 * 60_000;

interface ParsedYaml {
  path: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** A rule file is a page or two of YAML: these bounds refuse a file built to exhaust the parser (an alias bomb, nesting thousands deep). */
export const YAML_LIMITS = { bytes: 1_000_000, aliases: 100, flowDepth: 32, indent: 128, blockIndicatorsPerLine: 16 } as const;

/** What makes a file too big or too deep to parse safely, read from its tokens before any document is built. */
function beyondYamlLimits(content: string): string | undefined {
  if (content.length > YAML_LIMITS.bytes) return `the file is larger than ${YAML_LIMITS.bytes} characters`;
  let depth = 0;
  let aliases = 0;
  let indicators = 0;
  for (const token of new Lexer().lex(content)) {
    if (token === '[' || token === '{') {
      if (++depth > YAML_LIMITS.flowDepth) return `brackets are nested deeper than ${YAML_LIMITS.flowDepth}`;
    } else if (token === ']' || token === '}') depth -= 1;
    else if (token.startsWith('*')) {
      if (++aliases > YAML_LIMITS.aliases) return `the file uses more than ${YAML_LIMITS.aliases} aliases`;
    } else if (depth === 0 && (token === '-' || token === '?')) {
      // `- - - - x` nests a sequence per dash on one line.
      if (++indicators > YAML_LIMITS.blockIndicatorsPerLine) return `a line nests more than ${YAML_LIMITS.blockIndicatorsPerLine} collections`;
    } else if (token.includes('\n')) indicators = 0;
    else if (/^[ \t]+$/.test(token) && token.length > YAML_LIMITS.indent) return `a line is indented more than ${YAML_LIMITS.indent} columns`;
  }
  return undefined;
}

function parseYaml(file: { path: string; content: string }, problems: RuleSetProblem[]): ParsedYaml | undefined {
  const beyond = beyondYamlLimits(file.content);
  if (beyond) {
    problems.push({ file: file.path, message: `not parsed: ${beyond}` });
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(file.content, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const position = lines.linePos(error.pos[0]);
      problems.push({ file: file.path, line: position.line, column: position.col, message: error.message.split('\n')[0]! });
    }
    return undefined;
  }
  return { path: file.path, doc, lines };
}

function positionOf(parsed: ParsedYaml | undefined, path: readonly PropertyKey[]): { line?: number; column?: number } {
  if (!parsed) return {};
  for (let depth = path.length; depth >= 0; depth--) {
    const node = parsed.doc.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const position = parsed.lines.linePos(node.range[0]);
      return { line: position.line, column: position.col };
    }
  }
  return {};
}

function validate<T extends z.ZodType>(schema: T, parsed: ParsedYaml, problems: RuleSetProblem[]): z.infer<T> | undefined {
  let data: { rules?: Array<{ id?: unknown }> } | null;
  try {
    data = parsed.doc.toJS({ maxAliasCount: YAML_LIMITS.aliases }) as typeof data;
  } catch (error) {
    // Aliases that would expand past the limit: a problem with the file, never a crash.
    problems.push({ file: parsed.path, message: `not read: ${(error as Error).message}` });
    return undefined;
  }
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const ruleIndex = issue.path[0] === 'rules' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
    const ruleId = ruleIndex !== undefined ? data?.rules?.[ruleIndex]?.id : undefined;
    problems.push({
      file: parsed.path,
      ...(typeof ruleId === 'string' ? { ruleId } : {}),
      ...positionOf(parsed, issue.path),
      message: `${issue.path.map(String).join('.') || '(file)'}: ${issue.message}`,
    });
  }
  return undefined;
}

/**
 * A rule set's files read and validated: plain data, which a worker thread can make and hand to the
 * thread that compiles it (reading the YAML is most of compiling, and the compiled conditions are
 * closures that cannot cross threads). Only a rule set that reads without problems has one.
 */
export interface ReadRuleSet {
  readonly prompts: ReadonlyArray<{ path: string; file: PromptFile }>;
  readonly rules: ReadonlyArray<{ path: string; file: RuleFile }>;
}

interface ReadFiles {
  prompts: Array<{ path: string; file: PromptFile }>;
  rules: Array<{ path: string; parsed?: ParsedYaml; file: RuleFile }>;
}

function readFiles(source: RuleSetSource, problems: RuleSetProblem[]): ReadFiles {
  const prompts: ReadFiles['prompts'] = [];
  for (const file of source.prompts) {
    const parsed = parseYaml(file, problems);
    const promptFile = parsed && validate(PromptFileSchema, parsed, problems);
    if (!promptFile) continue;
    for (const message of checkPromptFile(promptFile)) problems.push({ file: file.path, message });
    prompts.push({ path: file.path, file: promptFile });
  }
  problems.push(...checkLocalesAgree(prompts));

  const rules: ReadFiles['rules'] = [];
  for (const file of [...source.files].sort((a, b) => a.path.localeCompare(b.path))) {
    const parsed = parseYaml(file, problems);
    const ruleFile = parsed && validate(RuleFileSchema, parsed, problems);
    if (parsed && ruleFile) rules.push({ path: parsed.path, parsed, file: ruleFile });
  }
  return { prompts, rules };
}

/** Reads a rule set's files for compileRuleSet elsewhere. Throws RuleSetError as compileRuleSet would. */
export function readRuleSet(source: RuleSetSource): ReadRuleSet {
  const problems: RuleSetProblem[] = [];
  const { prompts, rules } = readFiles(source, problems);
  if (problems.length > 0) throw new RuleSetError(problems);
  return { prompts, rules: rules.map(({ path, file }) => ({ path, file })) };
}

/**
 * Parses, validates and type-checks a rule set. Throws RuleSetError listing every problem: a misspelt
 * fact, a prompt that does not exist, two rules with one id, a template naming an unknown fact.
 * Given what readRuleSet made of the same source (in a worker thread), it does not read the files
 * again; a problem found after that is reported from a full compile, which knows its line. Given a
 * ConditionCache, it builds only the conditions the cache has not seen.
 */
export function compileRuleSet(source: RuleSetSource, read?: ReadRuleSet, cache?: ConditionCache): CompiledRuleSet {
  const steps = compileRuleSetInSteps(source, read, cache);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * compileRuleSet one piece at a time: it pauses after the fact types and after each rule, so a
 * caller on an event loop can answer what is waiting between pieces (the engine itself never waits:
 * the till SDK compiles in one go). The rule set exists only once the last step has run.
 */
export function* compileRuleSetInSteps(source: RuleSetSource, read?: ReadRuleSet, cache = new ConditionCache()): Generator<void, CompiledRuleSet, void> {
  const problems: RuleSetProblem[] = [];
  const { prompts: promptFiles, rules: ruleFiles }: ReadFiles = read ? { prompts: [...read.prompts], rules: [...read.rules] } : readFiles(source, problems);

  let bands: Bands | undefined;
  let holds: HoldSettings | undefined;
  let declaredVersion: string | undefined;
  let declaredLocale: string | undefined;
  const lists: Record<string, readonly string[]> = {};
  for (const { path, parsed, file } of ruleFiles) {
    if (file.bands) {
      if (bands) problems.push({ file: path, ...positionOf(parsed, ['bands']), message: 'bands: are declared in more than one file' });
      bands = file.bands;
    }
    if (file.holds) {
      if (holds) problems.push({ file: path, ...positionOf(parsed, ['holds']), message: 'holds: are declared in more than one file' });
      holds = file.holds;
    }
    if (file.version) {
      if (declaredVersion) problems.push({ file: path, ...positionOf(parsed, ['version']), message: 'version: is declared in more than one file' });
      declaredVersion = file.version;
    }
    if (file.defaultLocale) {
      if (declaredLocale) problems.push({ file: path, ...positionOf(parsed, ['defaultLocale']), message: 'defaultLocale: is declared in more than one file' });
      declaredLocale = file.defaultLocale;
    }
    for (const [name, values] of Object.entries(file.lists ?? {})) {
      if (name in lists) problems.push({ file: path, ...positionOf(parsed, ['lists', name]), message: `list "${name}" is declared twice` });
      lists[name] = Object.freeze([...values]);
    }
  }

  let defaultLocale = declaredLocale ?? (promptFiles.length === 1 ? promptFiles[0]!.file.locale : undefined);
  if (promptFiles.length > 1 && !declaredLocale) {
    problems.push({ file: 'settings.yaml', message: `there are prompts in ${promptFiles.map(({ file }) => file.locale).join(', ')}: say which is the default with defaultLocale: in one rule file` });
  }
  if (declaredLocale && promptFiles.length > 0 && !promptFiles.some(({ file }) => file.locale === declaredLocale)) {
    problems.push({ file: 'prompts/', message: `defaultLocale ${declaredLocale} has no prompts/${declaredLocale}.yaml` });
    defaultLocale = undefined;
  }
  // Every locale has the same questions (checkLocalesAgree), so any file gives the facts' names.
  const primaryPrompts = (promptFiles.find(({ file }) => file.locale === defaultLocale) ?? promptFiles[0])?.file;
  const schema = cache.schema(primaryPrompts?.questions ? Object.keys(primaryPrompts.questions) : [], Object.keys(lists));
  const facts = schema.facts;
  yield;
  const locales = new Map(promptFiles.map(({ file }) => [file.locale, buildPromptCatalog(file)]));
  const prompts = defaultLocale ? locales.get(defaultLocale) : undefined;

  const rules: CompiledRule[] = [];
  const tests: RuleSetTest[] = [];
  const seen = new Map<string, string>();
  for (const { path, parsed, file } of ruleFiles) {
    for (const [index, definition] of file.rules.entries()) {
      if (index > 0) yield;
      const at = (field?: string) => positionOf(parsed, field ? ['rules', index, field] : ['rules', index]);
      const problem = (message: string, field?: string) =>
        problems.push({ file: path, ruleId: definition.id, ...at(field), message });

      const earlier = seen.get(definition.id);
      if (earlier) problem(`rule id "${definition.id}" is already used in ${earlier}`);
      seen.set(definition.id, path);

      let condition = schema.built(definition.when);
      if (!condition) {
        let expression: ReturnType<typeof facts.environment.parse>;
        try {
          expression = facts.environment.parse(definition.when);
        } catch (error) {
          problem(`when: ${celMessage(error)}`, 'when');
          continue;
        }
        const checked = expression.check();
        if (!checked.valid) {
          problem(`when: ${celMessage(checked.error)}`, 'when');
          continue;
        }
        if (checked.type !== 'bool') {
          problem(`when: must be true or false, but this expression gives ${checked.type}`, 'when');
          continue;
        }
        condition = { reference: expression, fast: compileCondition(expression.ast) };
        schema.remember(definition.when, condition);
      }
      const reason = compileTemplate(definition.reason, facts.paths, defaultLocale);
      for (const message of reason.problems) problem(message, 'reason');
      const reasons = new Map<string, CompiledTemplate>();
      for (const { path, file: promptFile } of promptFiles) {
        const own = promptFile.reasons[definition.id];
        if (own === undefined) {
          // Not an error: an urgent rule may ship before its translation (lint says so).
          reasons.set(promptFile.locale, reason.template);
          continue;
        }
        const local = compileTemplate(own, facts.paths, promptFile.locale);
        for (const message of local.problems) problems.push({ file: path, ruleId: definition.id, message });
        reasons.set(promptFile.locale, local.template);
      }
      if (definition.prompt && prompts && !prompts.promptIds.has(definition.prompt)) {
        problem(`prompt "${definition.prompt}" is not in the prompts file`, 'prompt');
      }
      rules.push({
        id: definition.id,
        file: path,
        order: rules.length,
        definition,
        score: definition.score ?? 0,
        action: definition.action,
        shadow: definition.mode === 'shadow',
        reason: reason.template,
        reasons,
        reference: condition.reference,
        fast: condition.fast,
      });
    }
    for (const test of file.tests) tests.push({ file: path, test });
    yield;
  }

  if (promptFiles.length === 0) problems.push({ file: 'prompts/', message: 'the rule set has no valid prompts file (prompts/<locale>.yaml)' });
  if (rules.length === 0 && problems.length === 0) problems.push({ file: 'rules/', message: 'the rule set has no rules' });
  if (problems.length > 0 || !prompts) {
    if (read) return yield* compileRuleSetInSteps(source, undefined, cache);
    throw new RuleSetError(problems);
  }

  const hash = contentHash(source);
  return {
    version: declaredVersion ?? `sha-${hash}`,
    contentHash: hash,
    source,
    bands: bands ?? DEFAULT_BANDS,
    holds: holds ?? DEFAULT_HOLDS,
    rules,
    lists,
    prompts,
    defaultLocale: defaultLocale!, // Set whenever prompts is.
    locales,
    facts,
    tests,
  };
}

function celMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const [first, ...rest] = text.split('\n');
  const excerpt = rest.filter((line) => line.trim() !== '').join('\n');
  return excerpt ? `${first}\n${excerpt}` : first!;
}
