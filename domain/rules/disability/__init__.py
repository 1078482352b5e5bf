"""The two disability subsidies (困难残疾人生活补贴, 重度残疾人护理补贴): pure functions of a member's
certificate, the household's standing and the parameters (docs/rules.md, "The disability subsidies").

One formula per quantity, each returning a ``Finding``: ``criteria`` (the certificate in force, the
household's dibao or margin standing, the severity the care subsidy asks), ``amount`` (by grade);
``assess`` composes them. The reason codes and their legal basis are in ``codes``.
"""

from domain.rules.disability.assess import assess_disability_care as assess_disability_care
from domain.rules.disability.assess import assess_disability_living as assess_disability_living
from domain.rules.disability.facts import DisabilityFacts as DisabilityFacts
from domain.rules.disability.facts import HouseholdKind as HouseholdKind
