import type { Action } from '../../../src/contract/enums.js';

/**
 * The few words the component adds around the service's texts. The prompt's own texts (headline,
 * what to say, questions, answers, advice, next step) come from the rule set in the check's locale;
 * these follow the same locale, falling back to English.
 */
export interface PromptLabels {
  action: Record<Action, string>;
  say: string;
  ask: string;
  /** After the question: how many are still to come. */
  moreToAsk: (count: number) => string;
  nextStep: string;
  /** When a held sale counts as refused if no supervisor has come. */
  deadline: (iso: string, locale: string | undefined) => string;
  advice: string;
  sending: string;
  /** The decision was made on the till: the service did not answer in time. */
  decidedOffline: string;
  /** The service refused this page's origin (CORS): a setting to fix, not an outage. */
  originRefused: string;
  answerFailed: string;
  /** Above the warm hand-off: what to do for the customer now. */
  handOff: string;
  /** A hand-off action's button, before and after the colleague marks it done. */
  recordHandOff: string;
  handOffRecorded: string;
  /** While a held sale waits for a supervisor's decision, made anywhere. */
  waitingForSupervisor: string;
  /** How a held sale ended: released (finish the sale), refused, or nobody decided by the deadline. */
  holdEnded: Record<'released' | 'refused' | 'expired', string>;
}

/** The deadline as the till's clock reads it: hours and minutes in the till's time zone. */
function clock(iso: string, locale: string): string {
  try {
    return new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  } catch {
    return new Date(iso).toISOString().slice(11, 16);
  }
}

const ENGLISH: PromptLabels = {
  action: { allow: 'You can finish the sale', prompt: 'Check before you sell', hold: 'Pause the sale', refuse: 'Do not sell the gift cards' },
  say: 'Say',
  ask: 'Ask',
  moreToAsk: (count) => (count === 1 ? 'One more question after this.' : `${count} more questions after this.`),
  nextStep: 'What to do now',
  deadline: (iso, locale) => `A supervisor must decide by ${clock(iso, locale ?? 'en-GB')}.`,
  advice: 'Good to know',
  sending: 'Sending the answer…',
  decidedOffline: 'Decided on this till: the Vouchsafe service did not answer in time.',
  originRefused: 'Decided on this till: the Vouchsafe service does not allow this till’s web address yet. Tell your IT team.',
  answerFailed: 'The answer could not be sent. Try again.',
  handOff: 'Help the customer now',
  recordHandOff: 'Mark as done',
  handOffRecorded: 'Done ✓',
  waitingForSupervisor: 'Waiting for a supervisor to release or refuse the sale…',
  holdEnded: {
    released: 'A supervisor released the sale: finish it.',
    refused: 'A supervisor refused the sale.',
    expired: 'No supervisor decided in time, so the sale is refused.',
  },
};

const WELSH: PromptLabels = {
  action: { allow: 'Gallwch orffen y gwerthiant', prompt: 'Gwiriwch cyn gwerthu', hold: 'Oedwch y gwerthiant', refuse: 'Peidiwch â gwerthu’r cardiau rhodd' },
  say: 'Dywedwch',
  ask: 'Gofynnwch',
  moreToAsk: (count) => (count === 1 ? 'Un cwestiwn arall ar ôl hwn.' : `${count} cwestiwn arall ar ôl hwn.`),
  nextStep: 'Beth i’w wneud nawr',
  deadline: (iso) => `Rhaid i oruchwyliwr benderfynu erbyn ${clock(iso, 'cy-GB')}.`,
  advice: 'Da gwybod',
  sending: 'Yn anfon yr ateb…',
  decidedOffline: 'Penderfynwyd ar y til hwn: nid atebodd gwasanaeth Vouchsafe mewn pryd.',
  originRefused: 'Penderfynwyd ar y til hwn: nid yw gwasanaeth Vouchsafe yn caniatáu cyfeiriad gwe’r til hwn eto. Dywedwch wrth eich tîm TG.',
  answerFailed: 'Methwyd anfon yr ateb. Rhowch gynnig arall arni.',
  handOff: 'Helpwch y cwsmer nawr',
  recordHandOff: 'Marcio wedi’i wneud',
  handOffRecorded: 'Wedi’i wneud ✓',
  waitingForSupervisor: 'Yn aros i oruchwyliwr ryddhau neu wrthod y gwerthiant…',
  holdEnded: {
    released: 'Mae goruchwyliwr wedi rhyddhau’r gwerthiant: gorffennwch ef.',
    refused: 'Mae goruchwyliwr wedi gwrthod y gwerthiant.',
    expired: 'Ni phenderfynodd goruchwyliwr mewn pryd, felly mae’r gwerthiant wedi’i wrthod.',
  },
};

/** The labels for a BCP 47 tag: its language if the component has it, else English. */
export function labelsFor(locale: string | undefined): PromptLabels {
  return locale?.toLowerCase().split('-')[0] === 'cy' ? WELSH : ENGLISH;
}
