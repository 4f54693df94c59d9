# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Vouchsafe authors
"""The cards sold in an outcome, checked on the till before they are queued, as the service checks them.

A till sends the cards activated in a sale that went through (outcome `proceeded` or
`proceeded_after_warning`) so that a processor can find and freeze them if the sale was a scam:

    {"outcome": "proceeded", "cards": [{"brand": "Apple", "amount": 10000, "serial": "6039 5312 3456 7890"}]}

Never the PIN or the redemption code. `card_problems` answers what the service would refuse, as
(field, code) pairs with the service's field codes, so a till stops the colleague before anything is
queued (a refused outcome would otherwise wait in the outbox until the service said no):

    python3 vouchsafe_cards.py vectors.json   # check this module against the service's card vectors

Standard library only. The shapes are heuristics, documented in docs/till-integration.md.
"""

import json
import re
import sys

SALES = ("proceeded", "proceeded_after_warning")
SECRET_FIELD_NAMES = {
    "pin", "code", "cardcode", "redemptioncode", "claimcode", "securitycode",
    "scratchcode", "vouchercode", "giftcode", "cvv", "cvc", "password",
}
KNOWN_FIELDS = {"brand", "amount", "serial", "activationId"}


def secret_shape(value):
    """'looks_like_pin', 'looks_like_redemption_code' or None, as the service's secretShape."""
    compact = re.sub(r"[\s-]", "", value)
    if re.fullmatch(r"\d{3,9}", compact):
        return "looks_like_pin"
    mixed = re.search(r"[A-Za-z]", compact) and re.search(r"\d", compact) and re.fullmatch(r"[A-Za-z0-9]+", compact)
    if not mixed:
        return None
    if re.fullmatch(r"[A-Za-z0-9]{4,6}(?:[\s-][A-Za-z0-9]{4,6}){2,4}", value.strip()):
        return "looks_like_redemption_code"
    if re.fullmatch(r"[A-Z0-9]+", compact) and len(compact) in (15, 16, 20):
        return "looks_like_redemption_code"
    return None


def card_problems(outcome):
    """[(field, code)] for the cards of an outcome body: empty when the service would take them."""
    cards = outcome.get("cards")
    if cards is None:
        return []
    if outcome.get("outcome") not in SALES:
        return [("cards", "cards_without_sale")]
    problems = []
    for i, card in enumerate(cards):
        at = "cards[%d]" % i
        for key in card:
            if re.sub(r"[\s_-]", "", key.lower()) in SECRET_FIELD_NAMES:
                problems.append(("%s.%s" % (at, key), "secret_field"))
        for field in ("serial", "activationId"):
            value = card.get(field)
            if not isinstance(value, str):
                continue
            shape = secret_shape(value.strip())
            if shape:
                problems.append(("%s.%s" % (at, field), shape))
            elif field == "serial" and not re.fullmatch(r"\d{10,19}", re.sub(r"[\s-]", "", value.strip())):
                problems.append(("%s.serial" % at, "invalid_serial"))
        if not problems and "serial" not in card and "activationId" not in card:
            problems.append((at, "card_unidentified"))
    return problems


def main(path):
    with open(path, encoding="utf-8") as file:
        vectors = json.load(file)["vectors"]
    failed = 0
    for vector in vectors:
        got = sorted(list(problem) for problem in card_problems(vector["outcome"]))
        want = sorted(vector["problems"])
        if got != want:
            failed += 1
            print("%s: found %s, expected %s" % (vector["name"], json.dumps(got), json.dumps(want)))
    print("%d of %d card vectors passed" % (len(vectors) - failed, len(vectors)))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
