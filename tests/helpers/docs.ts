import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** The pages whose commands read as one session, in order (docs/README.md, "The commands in these pages"). */
export const DOC_PAGES = ['README.md', 'docs/README.md', 'docs/till-integration.md', 'docs/loss-prevention.md', 'docs/operations.md', 'docs/api.md', 'docs/maintainers.md', 'docs/exchange.md'];

/** Every markdown page of the documentation, to hold them all to DOC_PAGES and to check their links. */
export function markdownPages(): string[] {
  return ['README.md', 'sdk/README.md', ...readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];
}

export function readPage(page: string): string {
  return readFileSync(join(ROOT, page), 'utf8');
}

export interface ShellCommand {
  page: string;
  /** The command as a shell reads it: continuations kept, the comment after it dropped. */
  text: string;
  /** Its words, quotes removed (for matching, never for running). */
  words: string[];
  /** The ```json block right after the command's ```sh block, when it is the block's last command. */
  answer?: string;
}

interface Block {
  language: string;
  body: string;
}

function blocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```\s*$/gm)].map(([, language = '', body = '']) => ({ language, body }));
}

/** Splits a ```sh block into commands: a newline ends one unless it is quoted or escaped; `#` outside quotes starts a comment. */
function splitCommands(block: string): Array<{ text: string; words: string[] }> {
  const commands: Array<{ text: string; words: string[] }> = [];
  let text = '';
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push({ text: text.trim(), words });
    text = '';
    words = [];
  };
  for (let i = 0; i < block.length; i++) {
    const ch = block[i]!;
    if (ch === "'" || ch === '"') {
      const end = block.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`an unclosed ${ch} in:\n${block}`);
      word += block.slice(i + 1, end);
      text += block.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (ch === '\\' && block[i + 1] === '\n') {
      text += '\\\n';
      i += 1;
    } else if (ch === '#' && !inWord) {
      const end = block.indexOf('\n', i);
      i = (end < 0 ? block.length : end) - 1;
    } else if (ch === '\n') {
      endCommand();
    } else if (/\s/.test(ch)) {
      endWord();
      text += ch;
    } else {
      word += ch;
      text += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** The commands of every ```sh block of `pages`, in order, each with the answer shown after it. */
export function docCommands(pages = DOC_PAGES): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const page of pages) {
    const all = blocks(readPage(page));
    all.forEach((block, index) => {
      if (block.language !== 'sh') return;
      const split = splitCommands(block.body);
      const next = all[index + 1];
      split.forEach((command, position) => {
        const answer = position === split.length - 1 && next?.language === 'json' ? next.body : undefined;
        commands.push({ page, ...command, ...(answer !== undefined ? { answer } : {}) });
      });
    });
  }
  return commands;
}
