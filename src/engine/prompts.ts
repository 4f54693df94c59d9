import type { Advice, HandOffAction, NextStep, NextStepKind, Prompt, PromptQuestion } from '../contract/decision.js';
import type { Action } from '../contract/enums.js';
import type { NextTexts, PromptFile } from '../contract/rule-file.js';

/** A prompt shows at most this many lines of advice, the rule set's standing advice included. */
export const MAX_ADVICE = 3;

export interface PromptCatalog {
  readonly locale: string;
  readonly defaultPrompt: string;
  readonly promptIds: ReadonlySet<string>;
  readonly questionIds: readonly string[];
  readonly questions: readonly PromptQuestion[];
  /** The answer values each question accepts. */
  readonly answerValues: ReadonlyMap<string, ReadonlySet<string>>;
  /** What the colleague does now, by step. */
  readonly nextTexts: NextTexts;
  /** The warm hand-off that refused and held decisions carry in this language; empty when the file gives none. */
  readonly handOff: readonly HandOffAction[];
  /** The colleague's reason templates this language gives, by rule id. */
  readonly reasons: Readonly<Record<string, string>>;
  /** The prompt an action always shows, whatever the rules name (a refusal has its own script). */
  actionPrompt(action: Exclude<Action, 'allow'>): string | undefined;
  render(promptId: string, answers: Readonly<Record<string, string>>): Prompt;
  /** What the colleague does now, for a decision with this action and script. */
  next(action: Action, prompt: Prompt | null): NextStep;
}

/** Problems found in the prompt file, in words an analyst can act on. */
export function checkPromptFile(file: PromptFile): string[] {
  const problems: string[] = [];
  const questionIds = new Set(Object.keys(file.questions));
  for (const [id, prompt] of Object.entries(file.prompts)) {
    for (const question of prompt.questions) {
      if (!questionIds.has(question)) problems.push(`prompt "${id}" asks "${question}", which is not in questions:`);
    }
    const advice = adviceLines(file, id);
    if (advice.length > MAX_ADVICE) {
      problems.push(`prompt "${id}" shows ${advice.length} lines of advice with alwaysAdvise:; at most ${MAX_ADVICE} fit on a till`);
    }
  }
  for (const [id, question] of Object.entries(file.questions)) {
    const values = question.answers.map((answer) => answer.value);
    if (new Set(values).size !== values.length) problems.push(`question "${id}" lists an answer value twice`);
  }
  const handOffIds = new Set<string>();
  for (const action of file.handOff) {
    if (handOffIds.has(action.id)) problems.push(`handOff lists "${action.id}" twice`);
    handOffIds.add(action.id);
    // A till links each number in the text it shows: one that is not there would be a link to nothing.
    for (const phone of action.phones) if (!action.text.includes(phone)) problems.push(`handOff "${action.id}" gives the number ${phone}, which its text does not show`);
  }
  const promptIds = new Set(Object.keys(file.prompts));
  if (!promptIds.has(file.defaultPrompt)) problems.push(`defaultPrompt "${file.defaultPrompt}" is not in prompts:`);
  for (const [action, entry] of Object.entries(file.actions)) {
    if (entry?.prompt && !promptIds.has(entry.prompt)) problems.push(`actions.${action}.prompt "${entry.prompt}" is not in prompts:`);
  }
  return problems;
}

/** A prompt's advice, then the standing advice it does not already give, each with its message id. */
function adviceLines(file: PromptFile, promptId: string): Advice[] {
  const own = file.prompts[promptId]?.advice ?? [];
  return [
    ...own.map((text, n) => ({ text, messageId: `prompt.${promptId}.advice.${n + 1}` })),
    ...file.alwaysAdvise.flatMap((text, n) => (own.includes(text) ? [] : [{ text, messageId: `advice.${n + 1}` }])),
  ];
}

/** The hand-off goes with the two steps where the customer may be mid-scam: a refusal and a hold. */
export const HAND_OFF_STEPS: ReadonlySet<NextStepKind> = new Set(['refuse', 'wait_for_supervisor']);

/** Each decision gets its own copy: a till may keep or change one decision without touching the next. */
export const copyHandOff = (handOff: readonly HandOffAction[]): HandOffAction[] => handOff.map((action) => ({ ...action, phones: [...action.phones] }));

function nextStepKind(action: Action, prompt: Prompt | null): NextStepKind {
  if (action === 'refuse') return 'refuse';
  if (action === 'hold') return 'wait_for_supervisor';
  return prompt && prompt.questions.length > 0 ? 'ask' : 'finish_sale';
}

export function buildPromptCatalog(file: PromptFile): PromptCatalog {
  const questions = new Map<string, PromptQuestion>(
    Object.entries(file.questions).map(([id, question]) => [
      id,
      {
        id,
        text: question.text,
        messageId: `question.${id}`,
        answers: question.answers.map((answer) => answer.value),
        options: question.answers.map((answer) => ({ value: answer.value, label: answer.label, messageId: `question.${id}.answer.${answer.value}` })),
      },
    ]),
  );
  const handOff: HandOffAction[] = file.handOff.map(({ id, step, text, phones }) => ({ id, step, text, messageId: `handOff.${id}`, phones }));
  return {
    locale: file.locale,
    defaultPrompt: file.defaultPrompt,
    promptIds: new Set(Object.keys(file.prompts)),
    questionIds: [...questions.keys()],
    questions: [...questions.values()],
    answerValues: new Map([...questions].map(([id, question]) => [id, new Set(question.answers)])),
    nextTexts: file.next,
    handOff,
    reasons: file.reasons,
    actionPrompt: (action) => file.actions[action]?.prompt,
    render(promptId, answers) {
      const id = file.prompts[promptId] ? promptId : file.defaultPrompt;
      const prompt = file.prompts[id]!;
      return {
        id,
        locale: file.locale,
        headline: prompt.headline,
        say: prompt.say,
        messageIds: { headline: `prompt.${id}.headline`, say: `prompt.${id}.say` },
        questions: prompt.questions.filter((question) => !answers[question]).map((question) => questions.get(question)!),
        advice: adviceLines(file, id),
      };
    },
    next(action, prompt) {
      const step = nextStepKind(action, prompt);
      const next: NextStep = { step, say: file.next[step], messageId: `next.${step}` };
      return handOff.length > 0 && HAND_OFF_STEPS.has(step) ? { ...next, handOff: copyHandOff(handOff) } : next;
    },
  };
}
