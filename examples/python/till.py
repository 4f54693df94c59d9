# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Vouchsafe authors
"""A till's side of Vouchsafe in Python, standard library only.

The colleague always gets a decision within the till's time budget: the check goes to the service,
and if no answer comes in time (down, slow, 5xx), the till decides with the offline policy it
cached from GET /v1/rules/offline-policy, queues the check, and sends it when the service is back.

    export VOUCHSAFE_URL=http://127.0.0.1:8787 VOUCHSAFE_TILL_KEY=vsk_... VOUCHSAFE_STORE=herts-markyate-003
    python3 till.py refresh                       # fetch the policy (at start, then every few minutes)
    python3 till.py check basket.json T04-000123  # decide a basket: prints the decision as JSON
    python3 till.py answer T04-000123 answers.json          # the customer's answers, {"purpose": "gift", ...}
    python3 till.py review T04-000123 release S-0042 [reason] # a supervisor's decision on a hold (or refuse)
    python3 till.py outcome T04-000123 proceeded            # how the sale ended
    python3 till.py flush                         # send what was queued while the service was away

Answers, supervisors' decisions and outcomes are queued like checks when the service does not answer,
and behind anything already queued, so they reach it in the order they happened. A supervisor's
decision carries `decidedAt`, the time it was made: the service counts a hold's decision by then, so
one made in time still stands when it arrives after the hold's deadline (without it the hold arrives
expired and the sale's outcome is a 409).

Also VOUCHSAFE_TILL_ID (T01), VOUCHSAFE_BUDGET_MS (300) and VOUCHSAFE_CACHE (./till-cache: the
policy, its ETag, the outbox and the transactions the till knows).
"""

import datetime
import json
import os
import socket
import sys
import threading
import urllib.error
import urllib.request

from vouchsafe_policy import PolicyError, basket_facts, decide, release_needs_reason

# Left for deciding offline and writing the outbox once the service has had its share of the budget.
RESERVE_MS = 25

# Shown when there is no policy the till can evaluate: never "allow".
FALLBACK_ADVICE = [
    {"text": "HMRC, the police, banks and BT never ask to be paid in gift cards.", "messageId": "fallback.advice.1"},
    {"text": "If someone on the phone is telling them what to buy, suggest they hang up and wait five minutes.", "messageId": "fallback.advice.2"},
    {"text": "Report scams to Report Fraud on 0300 123 2040 or at reportfraud.police.uk. In an emergency, call 999.", "messageId": "fallback.advice.3"},
]
FALLBACK_PROMPT = {
    "id": "offline-fallback",
    "locale": "en-GB",
    "headline": "A quick check on gift cards",
    "say": "Sorry to hold you up. Has anyone asked you to buy these, or to read out the numbers on the back?",
    "messageIds": {"headline": "fallback.headline", "say": "fallback.say"},
    "questions": [],
    "advice": FALLBACK_ADVICE,
}
FALLBACK_NEXT = {
    "step": "ask",
    "say": "The till can’t check this sale. If anyone asked them to buy these, do not sell. Call a supervisor.",
    "messageId": "fallback.next",
}


class Unanswered(Exception):
    """The service did not answer usefully in time: decide offline and queue."""


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _write_atomically(path, text):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


class Till:
    def __init__(self, base_url, api_key, store_id, till_id="T01", cache_dir="till-cache", budget_ms=300):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.store_id = store_id
        self.till_id = till_id
        self.budget_ms = budget_ms
        os.makedirs(cache_dir, exist_ok=True)
        self.policy_path = os.path.join(cache_dir, "policy.json")
        self.etag_path = os.path.join(cache_dir, "policy.etag")
        self.outbox_path = os.path.join(cache_dir, "outbox.jsonl")
        self.transactions_path = os.path.join(cache_dir, "transactions.json")

    def _transactions(self):
        """transactionId -> {"checkId" (once the service has it), "basket", "answers"}."""
        if not os.path.exists(self.transactions_path):
            return {}
        with open(self.transactions_path, encoding="utf-8") as file:
            return json.load(file)

    def _remember(self, transaction_id, **fields):
        transactions = self._transactions()
        transactions[transaction_id] = dict(transactions.get(transaction_id, {"answers": {}}), **fields)
        _write_atomically(self.transactions_path, json.dumps(transactions))
        return transactions[transaction_id]

    def _pending(self):
        return os.path.exists(self.outbox_path) and os.path.getsize(self.outbox_path) > 0

    def _exchange(self, method, path, body, seconds, headers=None):
        """(status, headers, parsed body), or Unanswered. The deadline covers the whole exchange:
        urllib's own timeout is per socket read, so a service that answers a byte at a time would
        outlast it. The request runs on a daemon thread that is abandoned when time is up."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", "Bearer " + self.api_key)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        result = {}

        def run():
            try:
                with urllib.request.urlopen(request, timeout=seconds) as response:
                    result["answer"] = (response.status, response.headers, response.read())
            except urllib.error.HTTPError as error:
                result["answer"] = (error.code, error.headers, error.read())
            except Exception as error:  # refused, reset, timed out: all mean "no answer"
                result["error"] = error

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(seconds)
        if "answer" not in result:
            error = result.get("error")
            # urllib's own timeout can fire a moment before the join gives up: that is the same budget spent.
            timed_out = isinstance(getattr(error, "reason", error), (socket.timeout, TimeoutError))
            raise Unanswered("timeout" if worker.is_alive() or timed_out else "unreachable: %s" % error)
        status, response_headers, raw = result["answer"]
        return status, response_headers, (json.loads(raw) if raw else None)

    def refresh_policy(self, seconds=5.0):
        """Fetches the offline policy if it changed. 'updated', 'unchanged' or 'unavailable'."""
        headers = {}
        if os.path.exists(self.etag_path):
            with open(self.etag_path, encoding="utf-8") as file:
                headers["If-None-Match"] = file.read().strip()
        try:
            status, response_headers, policy = self._exchange("GET", "/v1/rules/offline-policy", None, seconds, headers)
        except Unanswered:
            return "unavailable"
        if status == 304:
            return "unchanged"
        if status != 200:
            return "unavailable"
        _write_atomically(self.policy_path, json.dumps(policy))
        _write_atomically(self.etag_path, response_headers.get("ETag", ""))
        return "updated"

    def _policy(self):
        with open(self.policy_path, encoding="utf-8") as file:
            return json.load(file)

    def _decide_offline(self, basket, cause, answers=None):
        answers = answers or {}
        try:
            policy = self._policy()
            decision = decide(policy, basket_facts(policy, basket, answers), answers)
            version = policy["ruleSetVersion"]
        except (OSError, ValueError, KeyError, PolicyError):
            decision = {"action": "prompt", "score": 0, "rules": [], "prompt": FALLBACK_PROMPT, "next": FALLBACK_NEXT}
            version = "offline-fallback"
        return dict(decision, source="offline", cause=cause, ruleSetVersion=version)

    def _queue(self, body, path="/v1/checks", transaction_id=None):
        """Appends to the outbox. `path` may name `{checkId}`: filled in at flush, from the answer to
        the transaction's queued check if the service has not seen it yet."""
        entry = {"method": "POST", "path": path, "transactionId": transaction_id or body["transactionId"], "body": body}
        with open(self.outbox_path, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")
            file.flush()
            os.fsync(file.fileno())

    def _send_or_queue(self, transaction_id, suffix, body):
        """Sends a follow-up of a check (answers, review, outcome) now if nothing is queued before it
        and the service answers; queues it otherwise. (answer or None, queued?)"""
        known = self._transactions().get(transaction_id, {})
        if known.get("checkId") and not self._pending():
            try:
                status, _, answer = self._exchange("POST", "/v1/checks/%s/%s" % (known["checkId"], suffix), body, (self.budget_ms - RESERVE_MS) / 1000)
                if not (status in (408, 429) or status >= 500):
                    return dict(answer or {}, status=status), False
            except Unanswered:
                pass
        self._queue(body, "/v1/checks/{checkId}/" + suffix, transaction_id)
        return None, True

    def answer(self, transaction_id, answers):
        """The customer's answers: the service's decision on them, or the offline policy's."""
        known = self._remember(transaction_id, answers=dict(self._transactions().get(transaction_id, {}).get("answers", {}), **answers))
        sent, queued = self._send_or_queue(transaction_id, "answers", {"answers": answers})
        if not queued:
            return dict(sent, source="service")
        return self._decide_offline(known["basket"], "queued", known["answers"])

    def review(self, transaction_id, decision, supervisor_ref, reason=None):
        """A supervisor's decision on a hold, made now at this till."""
        body = {"decision": decision, "supervisorRef": supervisor_ref, "decidedAt": _now()}
        if reason:
            body["reason"] = reason
        elif decision == "release" and os.path.exists(self.policy_path):
            known = self._transactions().get(transaction_id, {})
            policy = self._policy()
            facts = basket_facts(policy, known["basket"], known.get("answers", {}))
            if release_needs_reason(policy, facts, "hold"):
                return {"error": "reason_required", "detail": "Releasing more than %d of stored value needs the supervisor's reason" % policy["holds"]["releaseReasonAbove"]}
        sent, queued = self._send_or_queue(transaction_id, "review", body)
        return {"queued": True, "decidedAt": body["decidedAt"]} if queued else sent

    def outcome(self, transaction_id, outcome):
        sent, queued = self._send_or_queue(transaction_id, "outcome", {"outcome": outcome})
        return {"queued": True} if queued else sent

    def check(self, basket, transaction_id):
        """The decision for a basket within the time budget: the service's, or the offline policy's."""
        body = dict(basket, storeId=self.store_id, tillId=self.till_id, transactionId=transaction_id, occurredAt=_now())
        try:
            status, _, decision = self._exchange("POST", "/v1/checks", body, (self.budget_ms - RESERVE_MS) / 1000)
            if status in (200, 201):
                self._remember(transaction_id, basket=basket, checkId=decision["checkId"])
                return dict(decision, source="service")
            cause = "HTTP %d" % status
            retryable = status in (408, 429) or status >= 500
        except Unanswered as error:
            cause, retryable = str(error), True
        decision = self._decide_offline(basket, cause)
        self._remember(transaction_id, basket=basket)
        if retryable:
            offline = {"action": decision["action"], "ruleSetVersion": decision["ruleSetVersion"], "decidedAt": _now()}
            self._queue(dict(body, offlineDecision=offline))
        return decision

    def flush(self, seconds=5.0):
        """Sends the queue in order, stopping at the first request the service does not answer.
        A request it refuses (4xx) will never pass: it is set aside in the result, not retried."""
        if not os.path.exists(self.outbox_path):
            return {"delivered": [], "refused": [], "pending": 0}
        with open(self.outbox_path, encoding="utf-8") as file:
            entries = [json.loads(line) for line in file if line.strip()]
        delivered, refused = [], []
        while entries:
            entry = entries[0]
            transaction_id = entry.get("transactionId") or entry["body"]["transactionId"]
            path = entry["path"]
            if "{checkId}" in path:
                check_id = self._transactions().get(transaction_id, {}).get("checkId")
                if check_id is None:
                    # Its check was refused or never sent: nothing for the service to attach it to.
                    refused.append({"transactionId": transaction_id, "path": path, "status": None, "answer": None})
                    entries.pop(0)
                    continue
                path = path.replace("{checkId}", check_id)
            try:
                status, _, answer = self._exchange(entry["method"], path, entry["body"], seconds)
            except Unanswered:
                break
            if status in (408, 429) or status >= 500:
                break
            if path == "/v1/checks" and status in (200, 201):
                self._remember(transaction_id, checkId=answer["checkId"])
            (delivered if status < 400 else refused).append({"transactionId": transaction_id, "path": path, "status": status, "answer": answer})
            entries.pop(0)
        _write_atomically(self.outbox_path, "".join(json.dumps(entry) + "\n" for entry in entries))
        return {"delivered": delivered, "refused": refused, "pending": len(entries)}


def main(argv):
    till = Till(
        os.environ.get("VOUCHSAFE_URL", "http://127.0.0.1:8787"),
        os.environ["VOUCHSAFE_TILL_KEY"],
        os.environ["VOUCHSAFE_STORE"],
        os.environ.get("VOUCHSAFE_TILL_ID", "T01"),
        os.environ.get("VOUCHSAFE_CACHE", "till-cache"),
        int(os.environ.get("VOUCHSAFE_BUDGET_MS", "300")),
    )
    if argv[:1] == ["refresh"]:
        result = {"policy": till.refresh_policy()}
    elif argv[:1] == ["check"] and len(argv) == 3:
        with open(argv[1], encoding="utf-8") as file:
            result = till.check(json.load(file), argv[2])
    elif argv[:1] == ["answer"] and len(argv) == 3:
        with open(argv[2], encoding="utf-8") as file:
            result = till.answer(argv[1], json.load(file))
    elif argv[:1] == ["review"] and len(argv) in (4, 5):
        result = till.review(argv[1], argv[2], argv[3], argv[4] if len(argv) == 5 else None)
    elif argv[:1] == ["outcome"] and len(argv) == 3:
        result = till.outcome(argv[1], argv[2])
    elif argv[:1] == ["flush"]:
        result = till.flush()
    else:
        sys.exit(__doc__)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
