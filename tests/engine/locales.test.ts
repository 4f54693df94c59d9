import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptedLanguages, chooseLocale, compileRuleSet, decide, NO_HISTORY, RuleSetError } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

const shipped = loadRuleDirectory('rules');
/** The shipped rules without their own defaultLocale: each test says its own. */
const rules = { ...shipped, files: shipped.files.map((file) => ({ ...file, content: file.content.replace(/^defaultLocale: .*$/m, '') })) };
const english = rules.prompts.find((file) => file.path === 'prompts/en-GB.yaml')!;

/** The rule set with only en-GB's prompts and a second prompts file: en-GB's, retagged and edited. */
function withSecondLocale(locale: string, edit: (content: string) => string = (content) => content, defaultLocale: string | null = 'en-GB') {
  return {
    files: defaultLocale ? [...rules.files, { path: 'locale.yaml', content: `defaultLocale: ${defaultLocale}\n` }] : rules.files,
    prompts: [english, { path: `prompts/${locale}.yaml`, content: edit(english.content.replace('locale: en-GB', `locale: ${locale}`)) }],
  };
}

function problemsOf(source: Parameters<typeof compileRuleSet>[0]): string[] {
  try {
    compileRuleSet(source);
    return [];
  } catch (error) {
    if (!(error instanceof RuleSetError)) throw error;
    return error.problems.map((problem) => `${problem.file}: ${problem.message}`);
  }
}

describe('a rule set in several languages', () => {
  it('compiles every locale, the default one first', () => {
    const ruleSet = compileRuleSet(withSecondLocale('en-US', (content) => content.replaceAll('gift cards', 'gift cards (US)')));
    expect(ruleSet.defaultLocale).toBe('en-GB');
    expect([...ruleSet.locales.keys()].sort()).toEqual(['en-GB', 'en-US']);
    expect(ruleSet.prompts.locale).toBe('en-GB');
    expect(ruleSet.locales.get('en-US')!.render('paying-a-bill', {}).say).toContain('gift cards (US)');
  });

  it.each([
    ['a prompt', (content: string) => content.replace(/\n {2}work-request:\n( {4}.*\n)+/, '\n'), 'prompt "work-request" is in prompts/en-GB.yaml but not in prompts/cy-GB.yaml'],
    ['a question', (content: string) => content.replace(/\n {2}codesRequested:\n( {4}.*\n| {6}.*\n)+/, '\n').replaceAll(', codesRequested', ''), 'question "codesRequested" is in prompts/en-GB.yaml but not in prompts/cy-GB.yaml'],
    ['an answer', (content: string) => content.replace('      - { value: other, label: "Something else" }\n', ''), 'answer "purpose.other" is in prompts/en-GB.yaml but not in prompts/cy-GB.yaml'],
  ])('fails to load, naming the file and the id, when a locale lacks %s another has', (_what, edit, problem) => {
    expect(problemsOf(withSecondLocale('cy-GB', edit))).toContain(`prompts/cy-GB.yaml: ${problem}`);
  });

  it('names the other file too when a locale has something the default lacks', () => {
    const extra = (content: string) => content.replace('      - { value: other, label: "Something else" }\n', '      - { value: other, label: "Something else" }\n      - { value: raffle, label: "A raffle prize" }\n');
    expect(problemsOf(withSecondLocale('en-US', extra))).toContain('prompts/en-GB.yaml: answer "purpose.raffle" is in prompts/en-US.yaml but not in prompts/en-GB.yaml');
  });

  it('needs a default once there are several, and one with prompts', () => {
    expect(problemsOf(withSecondLocale('cy-GB', undefined, null))).toEqual([expect.stringMatching(/^settings.yaml: there are prompts in en-GB, cy-GB: say which is the default with defaultLocale:/)]);
    expect(problemsOf(withSecondLocale('cy-GB', undefined, 'fr-FR'))).toContain('prompts/: defaultLocale fr-FR has no prompts/fr-FR.yaml');
    expect(problemsOf(withSecondLocale('en-GB'))).toContain('prompts/en-GB.yaml: locale en-GB is also in prompts/en-GB.yaml');
  });
});

describe('choosing the locale', () => {
  const available = ['en-GB', 'cy-GB', 'en-US'];

  it.each([
    [['cy-GB'], 'cy-GB'],
    [['cy'], 'cy-GB'],
    [['CY-gb'], 'cy-GB'],
    [['en-US'], 'en-US'],
    [['en-AU'], 'en-GB'],
    [['en'], 'en-GB'],
    [['fr-FR', 'cy'], 'cy-GB'],
    [['fr-FR'], 'en-GB'],
    [[], 'en-GB'],
  ])('%j gets %s', (wanted, chosen) => {
    expect(chooseLocale(available, wanted, 'en-GB')).toBe(chosen);
  });

  it('reads Accept-Language by preference, leaving out * and q=0', () => {
    expect(acceptedLanguages('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5')).toEqual(['fr-CH', 'fr', 'en', 'de']);
    expect(acceptedLanguages('en;q=0.2, cy-GB, fr;q=0')).toEqual(['cy-GB', 'en']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });

  it('always answers with a locale the rule set has, whatever the header says', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        expect(available).toContain(chooseLocale(available, acceptedLanguages(header), 'en-GB'));
      }),
    );
  });
});

describe('the shipped languages', () => {
  const ruleSet = compileRuleSet(shipped);
  const check = (locale: string | undefined, currency = 'GBP') => ({
    storeId: 's',
    tillId: 't',
    lane: 'staffed' as const,
    transactionId: 'x',
    currency,
    lines: [{ kind: 'gift_card' as const, brand: 'itunes', unitAmount: 10000, quantity: 5 }],
    tender: 'cash' as const,
    customer: { ageBand: '80_plus' as const, ageSource: 'staff_estimate' as const },
    signals: { phoneInUse: false, beingInstructed: false, distressed: false, askedAboutCodes: false, unfamiliarWithCards: false, mentionedPayment: false },
    ...(locale ? { locale } : {}),
  });
  const decideIn = (locale: string | undefined, answers: Record<string, string> = {}, currency?: string) =>
    decide(ruleSet, { check: check(locale, currency), history: NO_HISTORY, answers, identified: false });

  it('words the prompt, the reasons and the next step in the check’s language, with message ids that do not change', () => {
    const welsh = decideIn('cy');
    const english = decideIn(undefined);
    expect(welsh.locale).toBe('cy-GB');
    expect(welsh.prompt!.locale).toBe('cy-GB');
    expect(english.locale).toBe('en-GB');
    expect(welsh.prompt!.questions[0]!.messageId).toBe(english.prompt!.questions[0]!.messageId);
    expect(welsh.reasons.map((r) => r.messageId)).toEqual(english.reasons.map((r) => r.messageId));
    expect(welsh.reasons.find((r) => r.ruleId === 'older-customer-80-plus')!.message).toBe('Cardiau rhodd gwerth £500.00 heddiw i gwsmer a allai fod 80 oed neu hŷn');
    expect(english.reasons.find((r) => r.ruleId === 'scam-favoured-brand')!.message).toBe('The basket has Apple/iTunes gift cards, brands scammers often ask for');
    expect(welsh.next.messageId).toBe(english.next.messageId);
    expect(welsh.next.say).not.toBe(english.next.say);
  });

  it('gives an American store the FTC’s advice and reporting route', () => {
    const us = decideIn('en-US', {}, 'USD');
    expect(us.locale).toBe('en-US');
    expect(us.prompt!.advice.map((line) => line.text).join(' ')).toContain('ReportFraud.ftc.gov');
    expect(decideIn('en-GB').prompt!.advice.map((line) => line.text).join(' ')).toContain('Report Fraud on 0300 123 2040');
  });
});

describe('the brand rule’s reason', () => {
  const ruleSet = compileRuleSet(shipped);
  // A listed brand beside a coffee shop's card, a supermarket's own and a prepaid Visa: only the
  // listed one is a brand "scammers often ask for".
  const mixed = (locale: string, currency: string) =>
    decide(ruleSet, {
      check: {
        storeId: 's',
        tillId: 't',
        lane: 'staffed' as const,
        transactionId: 'x',
        currency,
        locale,
        lines: [
          { kind: 'gift_card' as const, brand: 'google_play', unitAmount: 10000, quantity: 1 },
          { kind: 'gift_card' as const, brand: 'costa', unitAmount: 2500, quantity: 1 },
          { kind: 'gift_card' as const, brand: 'tesco', unitAmount: 2500, quantity: 1 },
          { kind: 'prepaid_card' as const, brand: 'visa_prepaid', unitAmount: 5000, quantity: 1 },
        ],
        tender: 'cash' as const,
        customer: { ageBand: '40_49' as const, ageSource: 'staff_estimate' as const },
        signals: { phoneInUse: false, beingInstructed: false, distressed: false, askedAboutCodes: false, unfamiliarWithCards: false, mentionedPayment: false },
      },
      history: NO_HISTORY,
      answers: {},
      identified: false,
    }).reasons.find((reason) => reason.ruleId === 'scam-favoured-brand')?.message;

  it.each([
    ['en-GB', 'GBP', 'The basket has Google Play gift cards, brands scammers often ask for'],
    ['en-US', 'USD', 'The basket has Google Play gift cards, brands scammers often ask for'],
    ['cy-GB', 'GBP', 'Mae cardiau rhodd Google Play yn y fasged: brandiau y mae sgamwyr yn aml yn gofyn amdanyn nhw'],
  ])('in %s names only the listed brands in the basket', (locale, currency, message) => {
    expect(mixed(locale, currency)).toBe(message);
  });

  it('fails to load when it names a list settings.yaml does not have', () => {
    const misnamed = { ...shipped, files: shipped.files.map((file) => ({ ...file, content: file.content.replace('brands:scamFavouredBrands}', 'brands:scamBrands}') })) };
    expect(problemsOf(misnamed)).toContainEqual(expect.stringContaining('reason uses |brands:scamBrands, which is not a list in settings.yaml'));
  });
});

describe('a rule without a Welsh reason', () => {
  it('still loads, shows its English reason, and the lint says so', async () => {
    const { lintRuleSet } = await import('../../src/rule-sets/lint.js');
    const source = { ...shipped, files: [...shipped.files, { path: 'razer.yaml', content: 'rules:\n  - id: razer-gold\n    when: \'"razer_gold" in giftCards.brands\'\n    score: 50\n    reason: Razer Gold cards\n' }] };
    const ruleSet = compileRuleSet(source);
    expect(lintRuleSet(ruleSet, [], { samples: 0 })).toContainEqual({ file: 'prompts/cy-GB.yaml', ruleId: 'razer-gold', message: "reasons: does not word this rule, so cy-GB colleagues read its reason in the rules' language" });
    expect(lintRuleSet(compileRuleSet(shipped), [], { samples: 0 }).filter((finding) => finding.file.startsWith('prompts/cy-GB'))).toEqual([]);
    const withoutHistory = compileRuleSet({ ...shipped, files: shipped.files.filter((file) => file.path !== 'history.yaml') });
    expect(lintRuleSet(withoutHistory, [], { samples: 0 })).toContainEqual({ file: 'prompts/cy-GB.yaml', message: 'reasons: words "warned-recently", which is not a rule' });
  });
});
