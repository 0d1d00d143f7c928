"""Seeded random probes with malformed input, shared by the test_malformed_*.py modules of each app: none
may answer 500, show a stack trace or log an error. A failing probe names its input; the seed makes the
run repeatable."""

import base64
import json
import logging
import os
import random

# 150 in CI; set ALLOY_PROBES_PER_AREA higher for a longer hunt (the seed keeps any run repeatable).
PROBES_PER_AREA = int(os.environ.get("ALLOY_PROBES_PER_AREA", "150"))
SEED = 20261130
NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "١٢",
    "../../etc/passwd",
    "%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\u202e\u200b",
    "😀" * 50,
    "x" * 5000,
    "\\",
    "null",
    "-1",
    "1e309",
    "9" * 40,
]


def nasty_value(rng: random.Random, known: list[str]):
    """One value of a random kind: hostile text, extreme numbers, wrong types, near-miss ids, forged cursors."""
    kind = rng.randrange(9)
    if kind == 0:
        return rng.choice(NASTY_TEXT)
    if kind == 1:
        return rng.choice([-(2**63), -1, 0, 2**31, 2**64, 10**30])
    if kind == 2:
        return rng.choice([1.5, 1e300, True, False, None])
    if kind == 3:
        return rng.choice([[], {}, [1, "a"], {"a": {"b": [None]}}])
    if kind == 4:
        return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 40)))
    if kind == 5 and known:
        return rng.choice(known) + rng.choice(["", "/", "?x=1", ">", ".", ")", "\x00"])
    if kind == 6:
        inner = json.dumps(rng.choice([["files", "\x00"], ["messages", -1, 2**70], "x", [[[[]]]], ["diffs", 1, 2]]))
        return base64.urlsafe_b64encode(inner.encode()).decode().rstrip("=")
    if kind == 7 and known:
        return rng.choice(known)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz/._-") for _ in range(rng.randrange(1, 30)))


def assert_clean(response, caplog, probe) -> None:
    assert response.status_code < 500, probe
    assert "Traceback (most recent call last)" not in response.content.decode(errors="replace"), probe
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, (probe, errors[0].getMessage() if errors else None)
