"""The platform's certification-type list (``data/cert_types.csv``, built from the shared
reference list without the accreditation rows, which are qualifications, not certificates).

Codes: ``CCC`` and ``CCC-01``…``CCC-17`` (compulsory product certification and its product
categories), ``MS-*`` (management systems: MS-QMS, MS-EMS, MS-OHSMS, MS-ISMS, MS-EnMS, MS-FSMS,
MS-HACCP …), ``PC-*`` (voluntary product certification: green, organic, energy-saving,
low-carbon …) and ``SC-*`` (service certification). Pure: the file is read once per process
into an immutable mapping.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

DATA_FILE = Path(__file__).resolve().parent / "data" / "cert_types.csv"

CATEGORY_LABELS = MappingProxyType(
    {
        "compulsory_product": "强制性产品认证",
        "management_system": "管理体系认证",
        "product_certification": "自愿性产品认证",
        "service_certification": "服务认证",
    }
)


@dataclass(frozen=True)
class CertificationType:
    code: str
    category: str
    name_zh: str
    name_en: str
    basis_standards: str

    @property
    def label(self) -> str:
        return f"{self.name_zh}（{self.code}）"


@cache
def certification_types() -> Mapping[str, CertificationType]:
    """Every type by code, in file order. Read-only, loaded once per process."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        types = {
            row["code"]: CertificationType(
                code=row["code"],
                category=row["category"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                basis_standards=row["basis_standards"],
            )
            for row in csv.DictReader(handle)
        }
    return MappingProxyType(types)


def canonical_type_code(text: str) -> str | None:
    """The list's spelling of a type code typed in any case (``ms-qms`` → ``MS-QMS``,
    ``ms-enms`` → ``MS-EnMS``); None when the list does not hold it."""
    wanted = text.strip().upper().replace("_", "-")
    for code in certification_types():
        if code.upper() == wanted:
            return code
    return None


def type_name(code: str) -> str:
    """The Chinese name of a type code, or the code itself when unknown."""
    found = certification_types().get(code)
    return found.name_zh if found is not None else code
