"""The elderly programs: the elderly allowance (高龄津贴) and the home-care service subsidy
(居家养老服务补贴), pure functions of facts and parameters (docs/rules.md).

One formula per quantity, each returning a ``Finding`` with its reasons and their legal basis:
``allowance`` (age band reached before the month, residence registration, the band's amount) and
``home_care`` (age, economic difficulty, care need from the six daily activities, the level's amount).
The reason codes and vocabularies are in ``codes``; the facts each rule reads in ``facts``.
"""

from domain.rules.elderly.allowance import assess_elderly_allowance as assess_elderly_allowance
from domain.rules.elderly.codes import *  # noqa: F403 — the reason codes and vocabularies, read as elderly.<NAME>
from domain.rules.elderly.facts import AllowanceFacts as AllowanceFacts
from domain.rules.elderly.facts import HomeCareFacts as HomeCareFacts
from domain.rules.elderly.home_care import assess_home_care as assess_home_care
