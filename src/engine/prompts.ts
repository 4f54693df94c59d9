import type { Prompt, PromptQuestion } from '../contract/decision.js';
import type { Action } from '../contract/enums.js';
import type { PromptFile } from '../contract/rule-file.js';

export interface PromptCatalog {
  readonly locale: string;
  readonly defaultPrompt: string;
  readonly promptIds: ReadonlySet<string>;
  readonly questionIds: readonly string[];
  readonly questions: readonly PromptQuestion[];
  /** The answer values each question accepts. */
  readonly answerValues: ReadonlyMap<string, ReadonlySet<string>>;
  /** The prompt an action always shows, whatever the rules name (a refusal has its own script). */
  actionPrompt(action: Exclude<Action, 'allow'>): string | undefined;
  render(promptId: string, action: Exclude<Action, 'allow'>, answers: Readonly<Record<string, string>>): Prompt;
}

/** Problems found in the prompt file, in words an analyst can act on. */
export function checkPromptFile(file: PromptFile): string[] {
  const problems: string[] = [];
  const questionIds = new Set(Object.keys(file.questions));
  for (const [id, prompt] of Object.entries(file.prompts)) {
    for (const question of prompt.questions) {
      if (!questionIds.has(question)) problems.push(`prompt "${id}" asks "${question}", which is not in questions:`);
    }
  }
  for (const [id, question] of Object.entries(file.questions)) {
    const values = question.answers.map((answer) => answer.value);
    if (new Set(values).size !== values.length) problems.push(`question "${id}" lists an answer value twice`);
  }
  const promptIds = new Set(Object.keys(file.prompts));
  if (!promptIds.has(file.defaultPrompt)) problems.push(`defaultPrompt "${file.defaultPrompt}" is not in prompts:`);
  for (const [action, entry] of Object.entries(file.actions)) {
    if (entry.prompt && !promptIds.has(entry.prompt)) problems.push(`actions.${action}.prompt "${entry.prompt}" is not in prompts:`);
  }
  return problems;
}

export function buildPromptCatalog(file: PromptFile): PromptCatalog {
  const questions = new Map<string, PromptQuestion>(
    Object.entries(file.questions).map(([id, question]) => [
      id,
      {
        id,
        text: question.text,
        answers: question.answers.map((answer) => answer.value),
        options: question.answers.map((answer) => ({ value: answer.value, label: answer.label })),
      },
    ]),
  );
  return {
    locale: file.locale,
    defaultPrompt: file.defaultPrompt,
    promptIds: new Set(Object.keys(file.prompts)),
    questionIds: [...questions.keys()],
    questions: [...questions.values()],
    answerValues: new Map([...questions].map(([id, question]) => [id, new Set(question.answers)])),
    actionPrompt: (action) => file.actions[action].prompt,
    render(promptId, action, answers) {
      const prompt = file.prompts[promptId] ?? file.prompts[file.defaultPrompt]!;
      return {
        id: file.prompts[promptId] ? promptId : file.defaultPrompt,
        title: prompt.title,
        say: prompt.say,
        questions: prompt.questions.filter((id) => !answers[id]).map((id) => questions.get(id)!),
        advice: [...prompt.advice, ...file.alwaysAdvise.filter((line) => !prompt.advice.includes(line))],
        nextStep: file.actions[action].nextStep,
      };
    },
  };
}
