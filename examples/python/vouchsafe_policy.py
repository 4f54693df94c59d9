# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Vouchsafe authors
"""Reference evaluator of Vouchsafe's offline policy (GET /v1/rules/offline-policy).

Python 3.8+, standard library only. A till calls ``basket_facts`` then ``decide`` when the service has
not answered within its time budget. Port it to Java, C# or anything else line by line: it reads
only the policy document, and ``conformance.py`` checks a port against the service's vectors.
"""

import re

FORMAT = "vouchsafe.offline-policy/1"
STRENGTH = {"allow": 0, "prompt": 1, "hold": 2, "refuse": 3}


class PolicyError(Exception):
    """The policy cannot be evaluated here (another format, or a fact this evaluator does not know).
    A till then shows its built-in prompt: never "allow"."""


def fold_brand(brand):
    """'Google Play' -> 'google_play', as the service folds brands before rules see them."""
    return re.sub(r"[^a-z0-9]+", "_", brand.strip().lower()).strip("_")


def _distinct(values):
    seen = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def basket_facts(policy, basket, answers):
    """Every fact the policy reads, worked out from a basket as the till would send it to
    POST /v1/checks (absent fields take the API's defaults) and the answers so far."""
    if policy.get("format") != FORMAT:
        raise PolicyError("unknown policy format %r" % policy.get("format"))
    lines = [dict(line, quantity=line.get("quantity", 1)) for line in basket["lines"]]
    stored = [line for line in lines if line["kind"] != "merchandise"]
    basket_total = sum(line["unitAmount"] * line["quantity"] for line in lines)
    stored_total = sum(line["unitAmount"] * line["quantity"] for line in stored)
    brands = _distinct(fold_brand(line["brand"]) if line.get("brand") else "unknown" for line in stored)
    cards_of_brand = {}
    for line in stored:
        if line.get("brand"):
            brand = fold_brand(line["brand"])
            cards_of_brand[brand] = cards_of_brand.get(brand, 0) + line["quantity"]
    customer = basket.get("customer") or {}
    signals = basket.get("signals") or {}
    known = {
        "basket.total": basket_total,
        "basket.lineCount": len(lines),
        "basket.storedValueShare": stored_total / basket_total if basket_total else 0,
        "basket.currency": basket["currency"],
        "giftCards.total": stored_total,
        "giftCards.withoutTopUps": sum(line["unitAmount"] * line["quantity"] for line in stored if line["kind"] != "top_up"),
        "giftCards.count": sum(line["quantity"] for line in stored),
        "giftCards.lines": len(stored),
        "giftCards.brands": brands,
        "giftCards.brandCount": len(brands),
        "giftCards.sameBrandCount": max(cards_of_brand.values() or [0]),
        "giftCards.largest": max([line["unitAmount"] for line in stored] or [0]),
        "giftCards.kinds": _distinct(line["kind"] for line in stored),
        "tender": basket.get("tender", "unknown"),
        "lane": basket.get("lane", "staffed"),
        "customer.ageBand": customer.get("ageBand", "unknown"),
        "customer.ageSource": customer.get("ageSource", "unknown"),
        "customer.identified": bool((customer.get("loyaltyId") or "").strip() or (customer.get("paymentToken") or "").strip()),
    }
    facts = {}
    for fact in policy["facts"]:
        name = fact["name"]
        if name in known:
            facts[name] = known[name]
        elif name.startswith("signals."):
            facts[name] = bool(signals.get(name[len("signals."):], False))
        elif name.startswith("answers."):
            facts[name] = answers.get(name[len("answers."):], "")
        else:
            raise PolicyError("the policy reads %s, which this evaluator cannot work out" % name)
    return facts


def _holds(condition, facts):
    actual, op, value = facts[condition["fact"]], condition["op"], condition["value"]
    if op == "==":
        return actual == value
    if op == "!=":
        return actual != value
    if op == "<":
        return actual < value
    if op == "<=":
        return actual <= value
    if op == ">":
        return actual > value
    if op == ">=":
        return actual >= value
    if op == "in":
        return actual in value
    if op == "not_in":
        return actual not in value
    if op == "any_in":
        return any(element in value for element in actual)
    if op == "none_in":
        return not any(element in value for element in actual)
    raise PolicyError("unknown operator %r" % op)


def _band(score, bands):
    if score >= bands["refuse"]:
        return "refuse"
    if score >= bands["hold"]:
        return "hold"
    if score >= bands["prompt"]:
        return "prompt"
    return "allow"


def _strength(rule):
    return STRENGTH[rule.get("action", "allow")] * 1000 + rule["score"]


def _next_step(policy, action, prompt):
    """What the colleague does now: {"step", "say", "messageId"}, and "handOff" when there is one."""
    if action == "refuse":
        step = "refuse"
    elif action == "hold":
        step = "wait_for_supervisor"
    elif prompt and prompt["questions"]:
        step = "ask"
    else:
        step = "finish_sale"
    result = {"step": step, "say": policy["next"][step], "messageId": "next." + step}
    # The warm hand-off (what to do for the customer now) goes with a refusal or a hold; a policy
    # cached before it existed has none.
    if step in ("refuse", "wait_for_supervisor") and policy.get("handOff"):
        result["handOff"] = policy["handOff"]
    return result


def decide(policy, facts, answers):
    """The policy's decision: {"action", "score", "rules", "prompt", "next"}, the prompt rendered as
    the service renders a Decision's prompt (None when the action is allow), and the next step."""
    matched = [
        (order, rule)
        for order, rule in enumerate(policy["rules"])
        if any(all(_holds(condition, facts) for condition in row) for row in rule["when"])
    ]
    matched.sort(key=lambda entry: (-_strength(entry[1]), entry[0]))
    rules = [rule for _, rule in matched]
    score = sum(rule["score"] for rule in rules)
    action = _band(score, policy["bands"])
    for rule in rules:
        if "action" in rule and STRENGTH[rule["action"]] > STRENGTH[action]:
            action = rule["action"]
    prompt = None
    if action != "allow":
        script = policy["actions"][action]
        prompt_id = script.get("prompt") or next((rule["prompt"] for rule in rules if rule.get("prompt")), None) or policy["defaultPrompt"]
        chosen = policy["prompts"][prompt_id]
        questions = {question["id"]: question for question in policy["questions"]}
        prompt = {
            "id": prompt_id,
            "locale": policy["locale"],
            "headline": chosen["headline"],
            "say": chosen["say"],
            "messageIds": dict(chosen["messageIds"]),
            "questions": [questions[q] for q in chosen["questions"] if not answers.get(q)],
            "advice": [dict(line) for line in chosen["advice"]],
        }
    return {
        "action": action,
        "score": score,
        "rules": [rule["id"] for rule in rules],
        "prompt": prompt,
        "next": _next_step(policy, action, prompt),
        "releaseNeedsReason": release_needs_reason(policy, facts, action),
    }


def release_needs_reason(policy, facts, action):
    """Whether a supervisor's release of this hold needs their reason as well as their reference:
    the service refuses one without it (400 on `reason`), so the till asks for it before queueing."""
    return action == "hold" and facts["giftCards.total"] > policy["holds"]["releaseReasonAbove"]
