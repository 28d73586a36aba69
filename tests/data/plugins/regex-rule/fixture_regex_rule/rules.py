import re


def rule(context, subject):
    # the failure under test: catastrophic backtracking inside the C regex engine, which holds
    # the GIL for the whole match (2^40 steps), so no Python-level timer can interrupt it
    re.match(r"(a+)+$", "a" * 40 + "b")
    return []
