import type { Principal } from '../access/api-keys.js';
import type { CardRecord, CardSold } from '../contract/cards.js';
import type { Role } from '../contract/enums.js';
import { newId } from '../sortable-id.js';
import type { CardRow, Store, WebhookEventRow } from '../store/index.js';
import type { CardVault } from './card-vault.js';
import type { CheckContext } from './context.js';
import { findVisibleCheck } from './read.js';

/** The roles that see a card's serial and activation id whole; every other role, and every channel, sees the last four. */
const SEES_CARDS_WHOLE: ReadonlySet<Role> = new Set<Role>(['admin', 'processor']);

export const seesCardsWhole = (principal: Pick<Principal, 'role'>): boolean => SEES_CARDS_WHOLE.has(principal.role);

const last4 = (value: string | undefined): string | null => (value === undefined ? null : value.slice(-4));

/** The rows to store for the cards sent with an outcome: serial and activation id sealed, the rest plain. */
export function cardRows(vault: CardVault, checkId: string, cards: readonly CardSold[], now: number): CardRow[] {
  return cards.map((card, position) => ({
    id: newId('card', now),
    checkId,
    position,
    brand: card.brand,
    amount: card.amount,
    serialLast4: last4(card.serial),
    activationLast4: last4(card.activationId),
    sealed: vault.seal(checkId, { ...(card.serial ? { serial: card.serial } : {}), ...(card.activationId ? { activationId: card.activationId } : {}) }),
    recordedAt: now,
  }));
}

/**
 * Cards as a reader may see them: `whole` (admin and processor keys) adds the serial and activation
 * id while they are kept; everyone else, and every channel that is not a key's read (responses kept
 * for Idempotency-Key replays, webhooks, exports, logs), gets the last four only.
 */
export function toCardRecords(vault: CardVault, rows: readonly CardRow[], whole: boolean): CardRecord[] {
  return rows.map((row) => {
    const secrets = whole && row.sealed !== null ? vault.open(row.checkId, row.sealed) : undefined;
    return {
      cardId: row.id,
      brand: row.brand,
      amount: row.amount,
      ...(secrets?.serial !== undefined ? { serial: secrets.serial } : {}),
      ...(row.serialLast4 !== null ? { serialLast4: row.serialLast4 } : {}),
      ...(secrets?.activationId !== undefined ? { activationId: secrets.activationId } : {}),
      ...(row.activationLast4 !== null ? { activationIdLast4: row.activationLast4 } : {}),
      purged: row.sealed === null,
    };
  });
}

/**
 * The cards sold in a check, as `principal` may see them: whole for admin and processor keys (what a
 * freeze request to the processor carries), masked for everyone else. The check must be visible to
 * the key, as for reading it.
 */
export async function cardsOfCheck(context: CheckContext, principal: Principal, checkId: string): Promise<CardRecord[]> {
  await findVisibleCheck(context, principal, checkId);
  return toCardRecords(context.cards, await context.store.checks.cards(checkId), seesCardsWhole(principal));
}

/** Cards emptied per background step: a few milliseconds of work, so a till never waits long behind it. */
const PURGE_BATCH = 100;

/**
 * One step of the running service's card purge: empties the sealed serials and activation ids of up
 * to a batch of cards recorded more than the card retention ago, leaving brand, value and last four.
 * Returns how many; a full batch means more may be waiting for the next step.
 */
export function purgeExpiredCardSecrets(store: Store, vault: CardVault, now: number, batch = PURGE_BATCH): Promise<number> {
  return store.transaction((tx) => tx.retention.purgeCardSecretsBefore(now - vault.retentionMs, batch));
}

/**
 * A `cards.freeze_requested` body as it is sent: the outbox keeps card ids only, and each card's
 * serial and activation id are opened here, from where they stay sealed, just before signing. A card
 * purged since (or whose key was retired, or whose seal does not open) goes with what is left: the
 * processor still has its id, brand and value, and answers `unknown_card` if that is not enough.
 */
export async function withWholeCards(store: Store, vault: CardVault, event: WebhookEventRow): Promise<string> {
  if (event.type !== 'cards.freeze_requested') return event.payload;
  const body = JSON.parse(event.payload) as { data: { checkId: string; cards: { cardId: string }[] } };
  const rows = new Map((await store.checks.cards(body.data.checkId)).map((row) => [row.id, row]));
  body.data.cards = body.data.cards.map((card) => {
    const row = rows.get(card.cardId);
    if (!row || row.sealed === null) return card;
    try {
      const secrets = vault.open(row.checkId, row.sealed);
      return { ...card, ...(secrets?.serial !== undefined ? { serial: secrets.serial } : {}), ...(secrets?.activationId !== undefined ? { activationId: secrets.activationId } : {}) };
    } catch {
      return card;
    }
  });
  return JSON.stringify(body);
}
