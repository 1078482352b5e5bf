"""Minimum living guarantee (最低生活保障, dibao): pure functions of facts and parameters (docs/rules.md).

One formula per quantity, each returning its value with the reasons and their legal basis:
``members`` (who counts), ``income`` (counted income, per-capita income, the means test), ``assets``
(the asset test), ``amount`` (whom the application covers, the gap amount), ``individual`` (单人保);
``assess`` composes them. The reason codes and their legal basis are in ``codes``. No I/O and no
clock: the date assessed for comes with the facts.
"""

from domain.rules.dibao.assess import assess_dibao as assess_dibao
from domain.rules.dibao.codes import *  # noqa: F403 — the reason codes, read as dibao.<CODE>
from domain.rules.dibao.facts import DibaoFacts as DibaoFacts
from domain.rules.dibao.facts import DibaoParameters as DibaoParameters
from domain.rules.dibao.members import counted as counted
