# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Vouchsafe authors
"""Checks the evaluator against the service's conformance vectors.

    python3 conformance.py policy.json vectors.json

policy.json from GET /v1/rules/offline-policy, vectors.json from GET /v1/rules/offline-policy/vectors
(the same rule set). Exit status 0 when every vector passes, 1 otherwise. Standard library only.
"""

import json
import sys

from vouchsafe_policy import basket_facts, decide


def failures(policy, document):
    if document["contentHash"] != policy["contentHash"]:
        yield "(all)", "the vectors are for rule set %s, the policy for %s" % (document["ruleSetVersion"], policy["ruleSetVersion"])
        return
    for vector in document["vectors"]:
        facts = basket_facts(policy, vector["basket"], vector["answers"])
        for name, want in vector["facts"].items():
            if facts.get(name) != want:
                yield vector["name"], "fact %s is %r, expected %r" % (name, facts.get(name), want)
        decision = decide(policy, vector["facts"], vector["answers"])
        got = {
            "action": decision["action"],
            "score": decision["score"],
            "rules": decision["rules"],
            "prompt": decision["prompt"] and {"id": decision["prompt"]["id"], "questions": [q["id"] for q in decision["prompt"]["questions"]]},
            "next": decision["next"]["step"],
            "releaseNeedsReason": decision["releaseNeedsReason"],
        }
        if got != vector["expect"]:
            yield vector["name"], "decided %s, expected %s" % (json.dumps(got), json.dumps(vector["expect"]))


def main(policy_path, vectors_path):
    with open(policy_path, encoding="utf-8") as file:
        policy = json.load(file)
    with open(vectors_path, encoding="utf-8") as file:
        document = json.load(file)
    found = list(failures(policy, document))
    for name, message in found:
        print("%s: %s" % (name, message))
    failed = {name for name, _ in found}
    total = len(document["vectors"])
    print("%d of %d vectors passed" % (0 if "(all)" in failed else total - len(failed), total))
    return 1 if found else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
