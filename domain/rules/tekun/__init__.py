"""Extreme-poverty support (特困人员救助供养, tekun): pure functions of facts and parameters (docs/rules.md).

One formula per quantity, each returning its value with the reasons and their legal basis:
``criteria`` (no ability to work, no means of living, no capable supporter), ``amount`` (care level,
basic living = multiplier × the dibao standard, care subsidy); ``assess`` composes them. The reason
codes and vocabularies are in ``codes``. No I/O and no clock: the date assessed for comes with the facts.
"""

from domain.rules.tekun.amount import care_level as care_level
from domain.rules.tekun.assess import assess_tekun as assess_tekun
from domain.rules.tekun.codes import *  # noqa: F403 — the reason codes and vocabularies, read as tekun.<NAME>
from domain.rules.tekun.criteria import able_to_work as able_to_work
from domain.rules.tekun.facts import Ages as Ages
from domain.rules.tekun.facts import TekunFacts as TekunFacts
