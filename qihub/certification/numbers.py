"""Certificate numbers as people type them, and their one canonical form. Pure functions.

Certificate numbers have no national layout (``00124Q31234R2M``, ``CQC23001401234``,
``2024010701234567``, ``LN-EMS-2023-0012``), so the canonical form only removes what typing
adds: full-width characters, spaces, lower case, dash variants and label prefixes such as
``No.``, ``NO:`` or ``证书编号：``.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from qihub.core.errors import DomainError
from qihub.core.text import to_halfwidth

MAX_NUMBER_LENGTH = 60

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−－", "-"))
# A label before the number: "证书编号：", "编号", "Cert. No.", "No.", "NO:", "№".
_PREFIX = re.compile(
    r"^(?:证书编号|证书号码|证书号|编号|(?:CERT(?:IFICATE)?\.?\s*)?NO\.?(?=[\s.:：#]|\d)|№)"
    r"\s*[.:：#]?\s*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


class InvalidCertificateNumber(DomainError):
    code = "certificate_number_invalid"


def normalise_certificate_number(raw: str) -> str:
    """The canonical number: half-width, upper case, no spaces, no label prefix. Raises
    InvalidCertificateNumber for an empty, over-long or control-character number."""
    text = unicodedata.normalize("NFKC", to_halfwidth(raw or "")).translate(_DASHES).strip()
    if any(unicodedata.category(char) == "Cc" and not char.isspace() for char in text):
        raise InvalidCertificateNumber(_("证书编号含有不可见的控制字符"))
    previous = None
    while previous != text:  # "证书编号：No. 123" carries two labels
        previous = text
        text = _PREFIX.sub("", text, count=1).strip()
    number = _SPACES.sub("", text).upper().strip(".,;:：，；。")
    if not number:
        raise InvalidCertificateNumber(_("证书编号不能为空"))
    if len(number) > MAX_NUMBER_LENGTH:
        raise InvalidCertificateNumber(
            _("证书编号过长（最多%(max)d个字符）") % {"max": MAX_NUMBER_LENGTH}
        )
    return number
