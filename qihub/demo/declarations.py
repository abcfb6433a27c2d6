"""Demo enterprise self-declarations (企业标准自我声明公开) for the enterprises already loaded.

Each declaration cites standards in force from the catalogue (import it first:
``qihub import standards qihub/standards/data/standards.csv``), typed without a year as
enterprises usually do, and most add the enterprise's own Q/ standard. A few declare an
indicator weaker than the national recommended value, with the disclosure the law requires.
Everything is written through ``publish_declaration``, acting as the demo platform admin.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from qihub.accounts.models import Organisation, User
from qihub.core.text import pinyin_initials
from qihub.standards.declarations import DeclaredStandardInput, Indicator, publish_declaration
from qihub.standards.models import Standard
from qihub.standards.models.declarations import Declaration

FORERUNNER_SHARE = 0.1
WEAKER_SHARE = 0.15


@dataclass(frozen=True)
class ProductTemplate:
    product: str
    models: tuple[str, ...]
    standard: str  # base code, resolved to the edition in force when published
    indicators: tuple[Indicator, ...]
    test_methods: tuple[str, ...] = ()
    # An indicator the enterprise may declare weaker than the national value, and why.
    weaker: Indicator | None = None
    disclosure: str = ""


TEMPLATES: tuple[ProductTemplate, ...] = (
    ProductTemplate(
        "碳素结构钢热轧钢板",
        ("Q235B 10×1500×6000", "Q275A 12×2000×8000"),
        "GB/T 700",
        (
            Indicator("上屈服强度", "≥235", "MPa", "≥235"),
            Indicator("抗拉强度", "370～500", "MPa"),
            Indicator("断后伸长率", "≥26", "%", "≥26"),
        ),
        ("GB/T 228.1", "GB/T 229"),
        Indicator("断后伸长率", "≥24", "%", "≥26"),
        "本产品用于非承重冷弯件，断后伸长率按用户协议执行，低于推荐性国家标准规定值。",
    ),
    ProductTemplate(
        "合金结构钢热轧圆钢",
        ("42CrMo Φ80", "40Cr Φ50", "20CrMnTi Φ60"),
        "GB/T 3077",
        (
            Indicator("抗拉强度", "≥1080", "MPa", "≥1080"),
            Indicator("冲击吸收能量 KU2", "≥63", "J", "≥63"),
        ),
        ("GB/T 228.1", "GB/T 229", "GB/T 231.1"),
    ),
    ProductTemplate(
        "钢筋混凝土用热轧带肋钢筋",
        ("HRB400E Φ12", "HRB500E Φ25"),
        "GB 1499.2",
        (
            Indicator("下屈服强度", "≥400", "MPa", "≥400"),
            Indicator("最大力总延伸率", "≥9.0", "%", "≥9.0"),
        ),
        ("GB/T 228.1", "GB/T 232"),
    ),
    ProductTemplate(
        "船舶及海洋工程用结构钢板",
        ("AH36 20×2500×10000", "DH32 16×2200×9000"),
        "GB/T 712",
        (Indicator("上屈服强度", "≥355", "MPa", "≥355"),),
        ("GB/T 228.1", "GB/T 229"),
    ),
    ProductTemplate(
        "镁砖",
        ("M-97A", "M-95B"),
        "GB/T 2275",
        (
            Indicator("氧化镁含量", "≥97", "%", "≥97"),
            Indicator("显气孔率", "≤16", "%", "≤16"),
        ),
        ("GB/T 2997", "GB/T 7322"),
        Indicator("显气孔率", "≤18", "%", "≤16"),
        "本产品用于回转窑过渡带，显气孔率指标低于推荐性国家标准，已在合同中向用户说明。",
    ),
    ProductTemplate(
        "环氧富锌底漆",
        ("EP-Zn 80", "EP-Zn 60"),
        "GB 30981",
        (Indicator("挥发性有机化合物（VOC）含量", "≤420", "g/L", "≤420"),),
    ),
    ProductTemplate(
        "车用柴油",
        ("0号（VI）", "-10号（VI）"),
        "GB 19147",
        (Indicator("硫含量", "≤10", "mg/kg", "≤10"),),
    ),
    ProductTemplate(
        "工业用热熔胶粘剂",
        ("HM-2100",),
        "GB 33372",
        (Indicator("挥发性有机化合物含量", "≤50", "g/kg", "≤50"),),
    ),
)


def _in_force(base_code: str) -> Standard | None:
    return Standard.objects.in_force().of_base(base_code).order_by("-year").first()


def _own_code(enterprise: Organisation, rng: random.Random) -> str:
    letters = "".join(
        c for c in pinyin_initials(enterprise.name).upper() if c.isascii() and c.isalpha()
    )
    return f"Q/{letters[:6] or 'QY'} {rng.randint(1, 30):03d}-{rng.randint(2019, 2025)}"


def _declarer() -> User:
    admin = User.objects.filter(is_platform_admin=True, is_active=True).order_by("pk").first()
    if admin is None:
        raise RuntimeError("load the demo personas first: declarations are published by demo_admin")
    return admin


def load_declaration_demo(*, seed: int, count: int) -> int:
    """Publish up to ``count`` declarations for enterprises that have none yet; returns how many
    were published. Re-running adds nothing once ``count`` declarations exist."""
    rng = random.Random(seed)
    missing = count - Declaration.objects.count()
    templates = [t for t in TEMPLATES if _in_force(t.standard) is not None]
    if missing <= 0 or not templates:
        return 0
    enterprises = list(
        Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, is_active=True)
        .exclude(declarations__isnull=False)
        .order_by("uscc")
    )
    rng.shuffle(enterprises)
    by = _declarer()
    published = 0
    for enterprise in enterprises[:missing]:
        template = rng.choice(templates)
        publish_declaration(
            enterprise=enterprise,
            product=template.product,
            model=rng.choice(template.models),
            standards=_standards(template, enterprise, rng),
            by=by,
            is_forerunner=rng.random() < FORERUNNER_SHARE,
        )
        published += 1
    return published


def _standards(
    template: ProductTemplate, enterprise: Organisation, rng: random.Random
) -> list[DeclaredStandardInput]:
    indicators = template.indicators
    disclosure = ""
    if template.weaker is not None and rng.random() < WEAKER_SHARE:
        weaker = template.weaker
        indicators = tuple(weaker if i.name == weaker.name else i for i in indicators)
        disclosure = template.disclosure
    standards = [
        DeclaredStandardInput(
            code=template.standard, indicators=indicators, disclosure_text=disclosure
        )
    ]
    standards += [
        DeclaredStandardInput(code=code)
        for code in template.test_methods
        if _in_force(code) is not None
    ]
    if rng.random() < 0.7:
        standards.append(
            DeclaredStandardInput(code=_own_code(enterprise, rng), is_own_standard=True)
        )
    return standards
