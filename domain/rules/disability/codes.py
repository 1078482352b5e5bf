"""The disability subsidies' reason codes, each with the legal basis it rests on (docs/rules.md).

Codes are stored with every decision, so never rename one; add new ones.
"""

from __future__ import annotations

from domain.assessment import ReasonCatalogue

_OPINION = "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》(国发〔2015〕52号)"
BASIS_LIVING = f"{_OPINION} 二(一) 困难残疾人生活补贴对象"
BASIS_CARE = f"{_OPINION} 二(一) 重度残疾人护理补贴对象"
BASIS_STANDARD = f"{_OPINION} 二(二) 补贴标准"
BASIS_CERTIFICATE = f"{_OPINION} 二(三) 申领程序：持有第二代《中华人民共和国残疾人证》"

CERTIFICATE_VALID = "CERTIFICATE_VALID"
NO_CERTIFICATE = "NO_CERTIFICATE"
CERTIFICATE_NOT_YET_ISSUED = "CERTIFICATE_NOT_YET_ISSUED"
CERTIFICATE_EXPIRED = "CERTIFICATE_EXPIRED"
HOUSEHOLD_IN_DIBAO = "HOUSEHOLD_IN_DIBAO"
HOUSEHOLD_IN_MARGIN = "HOUSEHOLD_IN_MARGIN"
HOUSEHOLD_NOT_IN_DIBAO = "HOUSEHOLD_NOT_IN_DIBAO"
SEVERE_GRADE = "SEVERE_GRADE"
LESSER_GRADE_CATEGORY_ALLOWED = "LESSER_GRADE_CATEGORY_ALLOWED"
NOT_SEVERE = "NOT_SEVERE"
LIVING_AMOUNT = "LIVING_AMOUNT"
CARE_AMOUNT = "CARE_AMOUNT"

#: Every reason code the disability rules emit, with the legal basis it rests on.
REASON_CATALOGUE = ReasonCatalogue(
    {
        BASIS_CERTIFICATE: (CERTIFICATE_VALID, NO_CERTIFICATE, CERTIFICATE_NOT_YET_ISSUED, CERTIFICATE_EXPIRED),
        BASIS_LIVING: (HOUSEHOLD_IN_DIBAO, HOUSEHOLD_IN_MARGIN, HOUSEHOLD_NOT_IN_DIBAO),
        BASIS_CARE: (SEVERE_GRADE, LESSER_GRADE_CATEGORY_ALLOWED, NOT_SEVERE),
        BASIS_STANDARD: (LIVING_AMOUNT, CARE_AMOUNT),
    }
)
reason = REASON_CATALOGUE.reason
