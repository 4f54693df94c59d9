import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

/**
 * What a colleague can read at a busy till in about ten seconds, held for every prompt in every
 * locale of the shipped rule set: a headline of at most 8 words, a line to say of at most 25, one
 * short question at a time with at most 10 short answers, at most three short lines of advice, and
 * a next step of at most 20 words; a hand-off of at most five lines of 20 words. English texts must also score at least 60 on Flesch reading
 * ease ("plain English": most adults read it easily), computed here with a small syllable count.
 */

const ruleSet = compileRuleSet(loadRuleDirectory('rules'));
const FLESCH_FLOOR = 60;

const words = (text: string) => text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));

/** Vowel groups, less a silent final e, at least one: good enough to rank plain texts against dense ones. */
export function syllables(word: string): number {
  const letters = word.toLowerCase().replace(/[^a-z]/g, '');
  if (letters.length === 0) return 0;
  if (letters.length <= 3) return 1;
  const trimmed = letters.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  return Math.max(1, trimmed.match(/[aeiouy]{1,2}/g)?.length ?? 1);
}

export function fleschReadingEase(text: string): number {
  const sentences = Math.max(1, text.split(/[.!?]+(?:\s|$)/).filter((part) => part.trim() !== '').length);
  const all = words(text);
  const syllableCount = all.reduce((sum, word) => sum + syllables(word), 0);
  return 206.835 - 1.015 * (all.length / sentences) - 84.6 * (syllableCount / all.length);
}

const locales = [...ruleSet.locales.values()];

describe('the reading-ease measure', () => {
  it('tells plain English from dense English', () => {
    expect(fleschReadingEase('You can finish the sale.')).toBeGreaterThan(80);
    expect(
      fleschReadingEase('Notwithstanding institutional considerations, authorisation necessitates comprehensive supervisory verification procedures.'),
    ).toBeLessThan(0);
  });
});

describe.each(locales.map((catalog) => [catalog.locale, catalog] as const))('every prompt in %s', (locale, catalog) => {
  const english = locale.startsWith('en');

  it.each([...catalog.promptIds])('%s fits the budget', (id) => {
    const prompt = catalog.render(id, {});
    expect(words(prompt.headline).length, prompt.headline).toBeLessThanOrEqual(8);
    expect(words(prompt.say).length, prompt.say).toBeLessThanOrEqual(25);
    expect(prompt.advice.length).toBeLessThanOrEqual(3);
    for (const line of prompt.advice) expect(words(line.text).length, line.text).toBeLessThanOrEqual(20);
    if (english) {
      for (const text of [prompt.say, ...prompt.advice.map((line) => line.text)]) {
        expect(fleschReadingEase(text), text).toBeGreaterThanOrEqual(FLESCH_FLOOR);
      }
    }
  });

  it('asks short questions with few, short answers', () => {
    for (const question of catalog.questions) {
      expect(words(question.text).length, question.text).toBeLessThanOrEqual(12);
      expect(question.options.length, question.id).toBeLessThanOrEqual(10);
      for (const option of question.options) expect(words(option.label).length, option.label).toBeLessThanOrEqual(5);
      if (english) expect(fleschReadingEase(question.text), question.text).toBeGreaterThanOrEqual(FLESCH_FLOOR);
    }
  });

  it('says what to do now in a few plain words', () => {
    for (const [step, text] of Object.entries(catalog.nextTexts)) {
      expect(words(text).length, step).toBeLessThanOrEqual(20);
      if (english) expect(fleschReadingEase(text), text).toBeGreaterThanOrEqual(FLESCH_FLOOR);
    }
  });
});

describe.each(locales.map((catalog) => [catalog.locale, catalog] as const))('the hand-off in %s', (locale, catalog) => {
  const english = locale.startsWith('en');

  it('is there: refusals and holds always say what to do for the customer', () => {
    expect(catalog.handOff.length).toBeGreaterThanOrEqual(3);
  });

  // Read after the refusal, not in the ten seconds of a prompt: five short lines at most, 85 words in all (Welsh takes more words than English).
  it('is a few short, plain lines', () => {
    expect(catalog.handOff.length).toBeLessThanOrEqual(5);
    expect(catalog.handOff.reduce((sum, action) => sum + words(action.text).length, 0)).toBeLessThanOrEqual(85);
    for (const action of catalog.handOff) {
      expect(words(action.text).length, action.text).toBeLessThanOrEqual(20);
      if (english) expect(fleschReadingEase(action.text), action.text).toBeGreaterThanOrEqual(FLESCH_FLOOR);
    }
  });
});

describe('the shipped rule set', () => {
  it('speaks British English, Welsh and American English', () => {
    expect([...ruleSet.locales.keys()].sort()).toEqual(['cy-GB', 'en-GB', 'en-US']);
  });
});
