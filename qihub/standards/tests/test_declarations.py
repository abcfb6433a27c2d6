"""Enterprise self-declarations: publishing, refusals, and change-impact notices on import."""

from io import StringIO

import pytest
from django.core.management import call_command

from qihub.accounts.models import AuditEntry, Membership, Notification, Organisation
from qihub.accounts.tests.factories import MembershipFactory, OrganisationFactory, uscc_for
from qihub.standards.codes import InvalidStandardCode
from qihub.standards.declarations import (
    DeclaredStandardInput,
    Indicator,
    indicator_is_weaker,
    notify_declarations_citing,
    publish_declaration,
    withdraw_declaration,
)
from qihub.standards.errors import (
    DeclarationNotAllowed,
    DeclaredStandardNotInForce,
    DeclaredStandardUnknown,
    IndicatorBelowMandatory,
    WeakerIndicatorsUndisclosed,
)
from qihub.standards.models import Standard
from qihub.standards.models.declarations import Declaration, DeclaredStandard

HEADER = (
    "code,title_zh,title_en,type,status,published_on,effective_on,replaces,replaced_by,"
    "ics,ccs,issuer\n"
)
CATALOGUE = [
    "GB/T 228.1-2010,金属材料 拉伸试验 第1部分：室温试验方法,,recommended,superseded,"
    "2010-12-23,2011-12-01,,,77.040.10,H22,",
    "GB/T 228.1-2021,金属材料 拉伸试验 第1部分：室温试验方法,,recommended,current,"
    "2021-05-21,2021-12-01,GB/T 228.1-2010,,77.040.10,H22,",
    "GB/T 699-2015,优质碳素结构钢,,recommended,current,2015-12-10,2016-11-01,,,77.140.45,H40,",
    "GB/T 3077-2015,合金结构钢,,recommended,current,2015-12-10,2016-11-01,,,77.140.40,H40,",
    "GB 6675.2-2014,玩具安全 第2部分：机械与物理性能,,mandatory,current,2014-05-06,"
    "2016-01-01,,,97.200.50,Y57,",
]


def write(tmp_path, lines, name):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_standards(tmp_path, lines, name="standards.csv"):
    call_command("import", "standards", str(write(tmp_path, lines, name)), stdout=StringIO())


@pytest.fixture
def catalogue(db, tmp_path):
    import_standards(tmp_path, CATALOGUE)


def steel(code="GB/T 699-2015", **kwargs):
    return DeclaredStandardInput(code=code, **kwargs)


def test_publishes_a_declaration_with_its_standards(catalogue, enterprise, enterprise_user):
    # when
    declaration = publish_declaration(
        enterprise=enterprise,
        product="阀门用优质碳素钢棒",
        model="Φ20–Φ80",
        standards=[
            steel(indicators=(Indicator("抗拉强度", "≥600", "MPa", "≥600"),)),
            DeclaredStandardInput(code="Q/DLYH 001-2024", is_own_standard=True),
        ],
        by=enterprise_user,
    )
    # then
    assert declaration.status == Declaration.Status.PUBLISHED
    assert declaration.published_at is not None
    cited = list(declaration.standards.all())
    assert [c.canonical_code for c in cited] == ["GB/T 699-2015", "Q/DLYH 001-2024"]
    assert cited[0].standard == Standard.objects.get(code="GB/T 699-2015")
    assert cited[0].key_indicators == [
        {"name": "抗拉强度", "value": "≥600", "unit": "MPa", "national_value": "≥600"}
    ]
    assert cited[1].standard is None and cited[1].is_own_standard
    assert AuditEntry.objects.filter(action="standards.declaration_published").count() == 1


def test_refuses_a_superseded_edition_naming_the_current_one(
    catalogue, enterprise, enterprise_user
):
    with pytest.raises(DeclaredStandardNotInForce) as caught:
        publish_declaration(
            enterprise=enterprise,
            product="拉伸试样",
            model="",
            standards=[steel("GB/T 228.1—2010")],
            by=enterprise_user,
        )
    assert caught.value.detail == "GB/T 228.1-2010 已被代替，现行版本为 GB/T 228.1-2021"


def test_refuses_an_unknown_code(catalogue, enterprise, enterprise_user):
    with pytest.raises(DeclaredStandardUnknown, match="GB/T 99999-2020"):
        publish_declaration(
            enterprise=enterprise,
            product="阀门",
            model="",
            standards=[steel("GB/T 99999-2020")],
            by=enterprise_user,
        )


def test_refuses_an_unreadable_code(catalogue, enterprise, enterprise_user):
    with pytest.raises(InvalidStandardCode):
        publish_declaration(
            enterprise=enterprise,
            product="阀门",
            model="",
            standards=[steel("???")],
            by=enterprise_user,
        )


def test_code_without_year_resolves_to_the_edition_in_force(catalogue, enterprise, enterprise_user):
    declaration = publish_declaration(
        enterprise=enterprise,
        product="拉伸试样",
        model="",
        standards=[steel("gbt 228.1")],
        by=enterprise_user,
    )
    declared = declaration.standards.get()
    assert declared.raw_code == "gbt 228.1"
    assert declared.canonical_code == "GB/T 228.1-2021"
    assert declared.standard == Standard.objects.get(code="GB/T 228.1-2021")


@pytest.mark.parametrize(
    ("value", "national", "weaker"),
    [
        ("≥520", "≥540", True),
        ("≥560", "≥540", False),
        ("≤0.05", "≤0.03", True),
        ("≤0.02", "≤0.03", False),
        ("不低于 500", "不低于 540", True),
        ("合格", "≥540", False),  # not comparable: not treated as weaker
    ],
)
def test_indicator_is_weaker(value, national, weaker):
    assert indicator_is_weaker(value, national) is weaker


def test_weaker_indicators_need_a_disclosure(catalogue, enterprise, enterprise_user):
    weak = (Indicator("抗拉强度", "≥520", "MPa", "≥540"),)
    with pytest.raises(WeakerIndicatorsUndisclosed, match="抗拉强度"):
        publish_declaration(
            enterprise=enterprise,
            product="钢棒",
            model="",
            standards=[steel(indicators=weak)],
            by=enterprise_user,
        )
    declaration = publish_declaration(
        enterprise=enterprise,
        product="钢棒",
        model="",
        standards=[steel(indicators=weak, disclosure_text="用于非承压部件，抗拉强度要求较低")],
        by=enterprise_user,
    )
    declared = declaration.standards.get()
    assert declared.discloses_weaker_indicators
    assert declared.disclosure_text == "用于非承压部件，抗拉强度要求较低"


def test_weaker_than_a_mandatory_standard_is_refused(catalogue, enterprise, enterprise_user):
    with pytest.raises(IndicatorBelowMandatory):
        publish_declaration(
            enterprise=enterprise,
            product="儿童玩具",
            model="",
            standards=[
                DeclaredStandardInput(
                    code="GB 6675.2-2014",
                    indicators=(Indicator("拉力", "≥50", "N", "≥70"),),
                    disclosure_text="说明",
                )
            ],
            by=enterprise_user,
        )


def test_non_member_is_refused(catalogue, enterprise, lab_admin):
    with pytest.raises(DeclarationNotAllowed):
        publish_declaration(
            enterprise=enterprise, product="阀门", model="", standards=[steel()], by=lab_admin
        )
    assert not Declaration.objects.exists()


def test_platform_admin_may_declare_for_an_enterprise(catalogue, enterprise, platform_admin):
    declaration = publish_declaration(
        enterprise=enterprise,
        product="阀门",
        model="",
        standards=[steel()],
        by=platform_admin,
        is_forerunner=True,
    )
    assert declaration.is_forerunner


def test_enterprise_cannot_call_itself_a_forerunner(catalogue, enterprise, enterprise_user):
    with pytest.raises(DeclarationNotAllowed):
        publish_declaration(
            enterprise=enterprise,
            product="阀门",
            model="",
            standards=[steel()],
            by=enterprise_user,
            is_forerunner=True,
        )


def test_nothing_is_written_when_a_later_standard_fails(catalogue, enterprise, enterprise_user):
    # given: the first standard is fine, the second superseded
    audit = AuditEntry.objects.count()
    # when
    with pytest.raises(DeclaredStandardNotInForce):
        publish_declaration(
            enterprise=enterprise,
            product="阀门",
            model="",
            standards=[steel(), steel("GB/T 228.1-2010")],
            by=enterprise_user,
        )
    # then
    assert not Declaration.objects.exists()
    assert not DeclaredStandard.objects.exists()
    assert AuditEntry.objects.count() == audit


def test_withdraw_is_idempotent_and_members_only(catalogue, enterprise, enterprise_user, lab_admin):
    declaration = publish_declaration(
        enterprise=enterprise, product="阀门", model="", standards=[steel()], by=enterprise_user
    )
    with pytest.raises(DeclarationNotAllowed):
        withdraw_declaration(declaration=declaration, by=lab_admin)
    withdraw_declaration(declaration=declaration, by=enterprise_user)
    withdraw_declaration(declaration=declaration, by=enterprise_user)
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="standards.declaration_withdrawn").count() == 1


# --- change-impact notices --------------------------------------------------------------------


def _enterprise_with_member(serial, name):
    organisation = OrganisationFactory(
        uscc=uscc_for(serial, "210100"), name=name, kind=Organisation.Kind.ENTERPRISE
    )
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    return organisation, member


def test_import_that_supersedes_a_standard_notifies_citing_enterprises_once(
    catalogue, enterprise, enterprise_user, tmp_path
):
    # given: the enterprise cites GB/T 699-2015 in two declarations; another cites GB/T 3077;
    # a third cited GB/T 699-2015 but withdrew its declaration
    first = publish_declaration(
        enterprise=enterprise, product="阀杆", model="", standards=[steel()], by=enterprise_user
    )
    publish_declaration(
        enterprise=enterprise, product="阀体", model="", standards=[steel()], by=enterprise_user
    )
    other, other_member = _enterprise_with_member(8101, "沈阳重型机械有限公司")
    publish_declaration(
        enterprise=other,
        product="齿轮",
        model="",
        standards=[steel("GB/T 3077-2015")],
        by=other_member,
    )
    gone, gone_member = _enterprise_with_member(8102, "鞍山钢管有限公司")
    withdrawn = publish_declaration(
        enterprise=gone, product="钢管", model="", standards=[steel()], by=gone_member
    )
    withdraw_declaration(declaration=withdrawn, by=gone_member)
    newer = [
        "GB/T 699-2025,优质碳素结构钢,,recommended,current,2025-03-01,2025-10-01,"
        "GB/T 699-2015,,77.140.45,H40,"
    ]

    # when
    import_standards(tmp_path, newer, "newer.csv")

    # then
    notice = Notification.objects.get()
    assert notice.recipient_organisation == enterprise
    assert notice.kind == "standard_superseded"
    assert "GB/T 699-2015" in notice.message and "GB/T 699-2025" in notice.message
    assert "被代替" in notice.message
    assert notice.link == first.page_path

    # and re-running the same import notifies nobody again
    import_standards(tmp_path, newer, "again.csv")
    assert Notification.objects.count() == 1


def test_import_that_withdraws_a_standard_notifies_its_citing_enterprise(
    catalogue, enterprise, enterprise_user, tmp_path
):
    other, other_member = _enterprise_with_member(8103, "沈阳重型机械有限公司")
    publish_declaration(
        enterprise=other,
        product="齿轮",
        model="",
        standards=[steel("GB/T 3077-2015")],
        by=other_member,
    )
    publish_declaration(
        enterprise=enterprise, product="阀杆", model="", standards=[steel()], by=enterprise_user
    )
    withdrawn = [
        "GB/T 3077-2015,合金结构钢,,recommended,withdrawn,2015-12-10,2016-11-01,,,77.140.40,H40,"
    ]

    import_standards(tmp_path, withdrawn, "withdrawn.csv")

    notice = Notification.objects.get()
    assert notice.recipient_organisation == other
    assert notice.kind == "standard_withdrawn"
    assert "没有现行版本" in notice.message


def test_notify_ignores_standards_still_in_force(catalogue, enterprise, enterprise_user):
    publish_declaration(
        enterprise=enterprise, product="阀杆", model="", standards=[steel()], by=enterprise_user
    )
    standard = Standard.objects.get(code="GB/T 699-2015")
    assert notify_declarations_citing(standards=[standard], by=None) == 0
    assert not Notification.objects.exists()
