"""Readiness lists the catalogue; this holds the catalogue to what the rules actually read, so a
parameter a rule starts reading cannot be left out of the readiness answer (nor a dead one kept in)."""

from __future__ import annotations

import re
from pathlib import Path

from domain.policy import CATALOGUE

ROOT = Path(__file__).parents[2]
#: where parameters are read: the rules and the domain, and the application's deadlines and jobs
READERS = ("domain", "application")
NAME = r"[a-z_]+(?:\.[a-z_]+)+"
#: a literal name as read (``params.count("dibao.public_notice_days")``) or chosen (``key = "…"``, ``return "…"``)
LITERAL = re.compile(rf'"({NAME})"')
#: a name built from a fact (``params.decimal(f"tekun.care.{arrangement}.{level}")``)
TEMPLATE = re.compile(r'f"([a-z_.]+)\{')


def sources() -> str:
    files = [
        p
        for d in READERS
        for p in sorted((ROOT / d).rglob("*.py"))
        if p.name not in {"policy.py", "policy_readiness.py"}
    ]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_every_catalogued_parameter_is_read() -> None:
    text = sources()
    literals = set(LITERAL.findall(text))
    templates = set(TEMPLATE.findall(text))
    unread = [n for n in CATALOGUE if n not in literals and not any(n.startswith(t) for t in templates)]
    assert unread == []


def test_every_parameter_name_read_is_catalogued() -> None:
    text = sources()
    reads = set(re.findall(rf'params\.\w+\(\s*"({NAME})"', text)) | set(
        re.findall(rf'\.(?:count_in_force|decimal|codes|count)\(\s*"({NAME})"', text)
    )
    assert reads, "no parameter reads found: the pattern is stale"
    assert sorted(reads - set(CATALOGUE)) == []
    for template in set(TEMPLATE.findall(text)):
        if template.split(".")[0] in {n.split(".")[0] for n in CATALOGUE}:
            assert any(n.startswith(template) for n in CATALOGUE), template
