"""Qualification numbers as users type them, checked and put into one canonical form per type.

Pure functions, no database. Each type has its own layout:

- **CMA** (检验检测机构资质认定证书编号): 12 digits ``YY AA FF MM SSSS`` — year of issue (two
  digits, 20YY), issuing authority (``00`` 国家认监委, ``01``–``31`` the provincial market
  regulators in the order of the national scheme: 01 北京 … 06 辽宁 … 31 新疆), professional field
  (00 食品 … 21 其他), competent ministry (00 教育 … 34 其他) and a 4-digit serial.
  The authority codes are *not* GB/T 2260 province codes (Liaoning is ``06`` here, ``21`` there);
  :func:`cma_authority_for_province` maps one to the other.
- **CNAS-L**: ``CNAS L1234``; **CNAS-C**: ``CNAS C123-M`` (M/P/S/F… after the dash).
- **CNCA-CB** (认证机构批准书): ``CNCA-R-2002-001``, ``CNCA-RF-2016-45``.
- **METROLOGY-AUTH** (计量授权证书): free-form such as ``(辽)法计(2021)01012号``; it must show
  a year in brackets followed by a serial, and is kept as typed (after :func:`normalise_text`).
- **SE-INSPECTION** (特种设备检验检测机构核准证): ``TS7110236-2026`` (TS, 7 digits, year).

Anything that does not fit raises :class:`InvalidQualificationNumber` whose message shows the
expected form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from qihub.core.errors import DomainError
from qihub.core.text import normalise_text, to_halfwidth

__all__ = [
    "CMA_AUTHORITIES",
    "CMA_FIELDS",
    "CMA_MINISTRIES",
    "CmaNumber",
    "InvalidQualificationNumber",
    "QualificationType",
    "cma_authority_for_province",
    "normalise_qualification_number",
    "parse_cma_number",
]

MAX_NUMBER_LENGTH = 80  # the model column's width


class InvalidQualificationNumber(DomainError):
    code = "qualification_number_invalid"


class QualificationType(StrEnum):
    CMA = "CMA"
    CNAS_L = "CNAS-L"
    CNAS_C = "CNAS-C"
    CNCA_CB = "CNCA-CB"
    METROLOGY_AUTH = "METROLOGY-AUTH"
    SE_INSPECTION = "SE-INSPECTION"


# --- CMA ---------------------------------------------------------------------------------------

# Issuing authority (positions 3–4): 00 is CNCA, the provincial authorities are numbered 01–31 in
# the order of the national scheme (not by GB/T 2260 code). Each entry: (name, GB/T 2260 code).
_AUTHORITIES: dict[str, tuple[str, str]] = {
    "00": ("国家认证认可监督管理委员会", ""),
    "01": ("北京市", "11"),
    "02": ("天津市", "12"),
    "03": ("河北省", "13"),
    "04": ("山西省", "14"),
    "05": ("内蒙古自治区", "15"),
    "06": ("辽宁省", "21"),
    "07": ("吉林省", "22"),
    "08": ("黑龙江省", "23"),
    "09": ("上海市", "31"),
    "10": ("江苏省", "32"),
    "11": ("浙江省", "33"),
    "12": ("安徽省", "34"),
    "13": ("福建省", "35"),
    "14": ("江西省", "36"),
    "15": ("山东省", "37"),
    "16": ("河南省", "41"),
    "17": ("湖北省", "42"),
    "18": ("湖南省", "43"),
    "19": ("广东省", "44"),
    "20": ("广西壮族自治区", "45"),
    "21": ("海南省", "46"),
    "22": ("重庆市", "50"),
    "23": ("四川省", "51"),
    "24": ("贵州省", "52"),
    "25": ("云南省", "53"),
    "26": ("西藏自治区", "54"),
    "27": ("陕西省", "61"),
    "28": ("甘肃省", "62"),
    "29": ("青海省", "63"),
    "30": ("宁夏回族自治区", "64"),
    "31": ("新疆维吾尔自治区", "65"),
}
CMA_AUTHORITIES: dict[str, str] = {code: name for code, (name, _gb) in _AUTHORITIES.items()}
_AUTHORITY_BY_PROVINCE = {gb: code for code, (_name, gb) in _AUTHORITIES.items() if gb}

# Professional field (positions 5–6). Labs able to test food are always filed under 00.
CMA_FIELDS: dict[str, str] = {
    "00": "食品",
    "01": "建筑工程",
    "02": "建材",
    "03": "卫生计生",
    "04": "农林牧渔",
    "05": "机动车安检",
    "06": "公安刑事技术",
    "07": "司法鉴定",
    "08": "机械",
    "09": "电子信息",
    "10": "轻工",
    "11": "纺织服装",
    "12": "环境与环保",
    "13": "水质",
    "14": "化工",
    "15": "医疗器械",
    "16": "采矿冶金",
    "17": "能源",
    "18": "医学",
    "19": "生物安全",
    "20": "综合",
    "21": "其他",
}

# Competent ministry (positions 7–8).
CMA_MINISTRIES: dict[str, str] = {
    "00": "教育",
    "01": "工业和信息化",
    "02": "公安",
    "03": "司法",
    "04": "国土资源",
    "05": "环保",
    "06": "住房和城乡建设",
    "07": "交通",
    "08": "水利",
    "09": "农业",
    "10": "卫生计生",
    "11": "质量技术监督",
    "12": "检验检疫",
    "13": "安全生产",
    "14": "食品药品",
    "15": "林业",
    "16": "中国科学院",
    "17": "粮食",
    "18": "国防科工",
    "19": "海洋",
    "20": "测绘",
    "21": "铁路",
    "22": "机械",
    "23": "化工",
    "24": "石油",
    "25": "电力",
    "26": "轻工",
    "27": "商贸",
    "28": "建材",
    "29": "供销",
    "30": "分析测试与冶金",
    "31": "有色",
    "32": "节能",
    "33": "军队",
    "34": "其他",
}


@dataclass(frozen=True)
class CmaNumber:
    """A parsed 12-digit CMA number; ``number`` is the canonical form."""

    number: str
    year: int
    authority: str
    field: str
    ministry: str
    serial: str

    @property
    def authority_name(self) -> str:
        return CMA_AUTHORITIES[self.authority]

    @property
    def is_national(self) -> bool:
        """Issued by CNCA itself (国家级资质认定) rather than a provincial authority."""
        return self.authority == "00"

    @property
    def province_code(self) -> str:
        """The issuing province's GB/T 2260 code (``21`` for Liaoning); empty for CNCA."""
        return _AUTHORITIES[self.authority][1]

    @property
    def field_name(self) -> str | None:
        return CMA_FIELDS.get(self.field)

    @property
    def ministry_name(self) -> str | None:
        return CMA_MINISTRIES.get(self.ministry)

    def __str__(self) -> str:
        return self.number


def cma_authority_for_province(province_code: str) -> str:
    """The CMA authority code of a province from its GB/T 2260 code: ``21``/``210000`` → ``06``.

    Raises InvalidQualificationNumber for a code that is not a mainland province.
    """
    key = to_halfwidth(province_code or "").strip()[:2]
    try:
        return _AUTHORITY_BY_PROVINCE[key]
    except KeyError:
        raise InvalidQualificationNumber(
            _("“%(code)s”不是省级行政区划代码") % {"code": province_code}
        ) from None


_CMA_PREFIX = re.compile(r"^(?:CMA)?\s*(?:证书)?(?:编号)?\s*[:：]?\s*", re.IGNORECASE)


def parse_cma_number(text: str) -> CmaNumber:
    """Parse a 12-digit CMA number (full-width digits, spaces and a leading "CMA" tolerated).

    Raises InvalidQualificationNumber naming the expected form or the part that is wrong.
    """
    raw = normalise_text(text or "")
    digits = re.sub(r"\s+", "", _CMA_PREFIX.sub("", raw, count=1))
    if not digits:
        raise InvalidQualificationNumber(_("CMA 证书编号不能为空"))
    if not re.fullmatch(r"[0-9]{12}", digits, re.ASCII):
        raise InvalidQualificationNumber(
            _(
                "CMA 证书编号“%(text)s”格式不对，应为12位数字，如 210612345678"
                "（年份2位、发证机关2位、专业领域2位、行业主管部门2位、流水号4位）"
            )
            % {"text": raw[:40]}
        )
    authority = digits[2:4]
    if authority not in _AUTHORITIES:
        raise InvalidQualificationNumber(
            _("CMA 证书编号第3–4位“%(code)s”不是发证机关代码（00 为国家认监委，01–31 为各省）")
            % {"code": authority}
        )
    return CmaNumber(
        number=digits,
        year=2000 + int(digits[:2]),
        authority=authority,
        field=digits[4:6],
        ministry=digits[6:8],
        serial=digits[8:],
    )


# --- the other types ---------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212_]")
_CNAS_L = re.compile(r"^(?:CNAS)?L([0-9]{1,6})$", re.ASCII)
_CNAS_C = re.compile(r"^(?:CNAS)?C([0-9]{1,4})-?([A-Z]{1,3})$", re.ASCII)
_CNCA_CB = re.compile(r"^CNCA-?(R[A-Z]{0,3})-?((?:19|20)[0-9]{2})-?([0-9]{1,4})$", re.ASCII)
_SE_INSPECTION = re.compile(r"^TS([0-9]{7})-?((?:19|20)[0-9]{2})$", re.ASCII)
# A year in round, square or Chinese brackets, then (after an optional 第 and letters) a serial.
_METROLOGY_AUTH = re.compile(
    r"[(\[〔【]\s*(?:19|20)[0-9]{2}\s*[)\]〕】]\s*(?:第\s*)?[A-Za-z\-]*\s*[0-9]+"
)


def _compact(text: str) -> str:
    """Upper case, half-width, every dash a hyphen, no spaces."""
    text = _DASHES.sub("-", to_halfwidth(text or ""))
    return re.sub(r"\s+", "", text).upper()


def _invalid(type_label: str, text: str, expected: str) -> InvalidQualificationNumber:
    return InvalidQualificationNumber(
        _("%(type)s 证书编号“%(text)s”格式不对，应为%(expected)s")
        % {"type": type_label, "text": normalise_text(text)[:40], "expected": expected}
    )


def _qualification_type(value: QualificationType | str) -> QualificationType:
    if isinstance(value, QualificationType):
        return value
    key = _compact(str(value))
    try:
        return QualificationType(key)
    except ValueError:
        raise InvalidQualificationNumber(
            _("未知的资质类型“%(type)s”，应为 %(types)s之一")
            % {"type": str(value)[:40], "types": "、".join(t.value for t in QualificationType)}
        ) from None


def normalise_qualification_number(type: QualificationType | str, text: str) -> str:
    """The canonical form of a qualification number of the given type.

    Raises InvalidQualificationNumber (with the expected form) for an unknown type or a number
    that does not fit the type's layout.
    """
    kind = _qualification_type(type)
    if not normalise_text(text or ""):
        raise InvalidQualificationNumber(_("证书编号不能为空"))
    if len(text) > MAX_NUMBER_LENGTH * 2:
        raise InvalidQualificationNumber(
            _("证书编号过长（最多%(max)d个字符）") % {"max": MAX_NUMBER_LENGTH}
        )
    compact = _compact(text)
    if kind is QualificationType.CMA:
        return parse_cma_number(text).number
    if kind is QualificationType.CNAS_L:
        if match := _CNAS_L.fullmatch(compact):
            return f"CNAS L{match[1]}"
        raise _invalid("CNAS", text, _("“CNAS L1234”"))
    if kind is QualificationType.CNAS_C:
        if match := _CNAS_C.fullmatch(compact):
            return f"CNAS C{match[1]}-{match[2]}"
        raise _invalid("CNAS", text, _("“CNAS C123-M”（短横后为认可领域字母 M、P、S 等）"))
    if kind is QualificationType.CNCA_CB:
        if match := _CNCA_CB.fullmatch(compact):
            return f"CNCA-{match[1]}-{match[2]}-{match[3]}"
        raise _invalid("CNCA", text, _("“CNCA-R-2002-001”或“CNCA-RF-2016-45”"))
    if kind is QualificationType.SE_INSPECTION:
        if match := _SE_INSPECTION.fullmatch(compact):
            return f"TS{match[1]}-{match[2]}"
        raise _invalid(_("特种设备"), text, _("“TS7110236-2026”（TS、7位数字、短横、4位年份）"))
    # METROLOGY-AUTH: free-form; keep what was typed, but insist on a bracketed year and serial.
    kept = normalise_text(text)
    if len(kept) > MAX_NUMBER_LENGTH:
        raise InvalidQualificationNumber(
            _("证书编号过长（最多%(max)d个字符）") % {"max": MAX_NUMBER_LENGTH}
        )
    if _METROLOGY_AUTH.search(kept):
        return kept
    raise _invalid(
        _("计量授权"),
        text,
        _("含括号中的年份和流水号的编号，如“(辽)法计(2021)01012号”或“辽计授(2020)第015号”"),
    )
