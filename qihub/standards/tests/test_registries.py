"""The standardisation registries: services (and their refusals), searches, the counts against
the plan targets, and the three importers (all-or-nothing, idempotent)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from qihub.accounts.models import AuditEntry, Organisation, User
from qihub.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    uscc_for,
)
from qihub.reference.models import Region
from qihub.standards.codes import InvalidStandardCode, parse_standard_code
from qihub.standards.models import NationalStandardContribution, PilotProject, TechnicalCommittee
from qihub.standards.registries import (
    AcceptanceDateRequired,
    ContributionData,
    DuplicateCommitteeCode,
    DuplicateContribution,
    DuplicatePilotProject,
    InvalidRegistryEntry,
    NotANationalStandard,
    RegistryActionNotAllowed,
    RegistryDatesOutOfOrder,
    UnknownOrganisation,
    committees_matching,
    contributions_matching,
    find_organisation,
    link_contributions_to_catalogue,
    pilot_projects_matching,
    record_contribution,
    register_committee,
    register_pilot_project,
    registry_counts,
    update_committee,
    update_contribution,
    update_pilot_project,
)
from qihub.standards.services import StandardData, upsert_standards
from qihub.standards.tests.registry_factories import (
    committee_data,
    dalian_enterprise,
    make_committee,
    make_contribution,
    make_pilot,
    pilot_data,
    standards_institute,
)

pytestmark = pytest.mark.usefixtures("reference")

TZ = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime(2025, 6, 1, 10, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def institute() -> Organisation:
    return standards_institute()


@pytest.fixture
def farm() -> Organisation:
    return dalian_enterprise()


@pytest.fixture
def catalogue() -> None:
    upsert_standards(
        [
            StandardData(
                code=parse_standard_code("GB/T 228.1-2021"),
                title_zh="金属材料 拉伸试验 第1部分：室温试验方法",
                type="recommended",
                status="current",
            ),
            StandardData(
                code=parse_standard_code("GB 1499.2-2018"),
                title_zh="钢筋混凝土用钢 第2部分：热轧带肋钢筋",
                type="mandatory",
                status="current",
            ),
        ],
        by=None,
    )


@pytest.fixture
def dalian_regulator() -> User:
    city = Region.objects.get(code="210200")
    bureau = OrganisationFactory(
        uscc=uscc_for(8201, "210200"),
        name="大连市市场监督管理局",
        kind=Organisation.Kind.REGULATOR,
        city=city,
        jurisdiction=city,
    )
    user = UserFactory(username="dalian_regulator")
    MembershipFactory(user=user, organisation=bureau)
    return user


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# --- technical committees -----------------------------------------------------------------------


def test_registers_a_committee_with_a_canonical_code_and_an_audit_entry(
    institute: Organisation, regulator: User
) -> None:
    committee = register_committee(
        data=committee_data(institute, code="ｌｎ／ｔｃ１２"), by=regulator
    )

    assert committee.code == "LN/TC 12"
    assert committee.status == TechnicalCommittee.Status.ACTIVE
    assert "zhuangbeizhizao" in committee.search_text
    entry = AuditEntry.objects.get(action="standards.committee_registered")
    assert entry.actor == regulator
    assert entry.target_id == "LN/TC 12"
    assert entry.after is not None
    assert entry.after["secretariat"] == institute.uscc


def test_a_code_already_registered_in_another_spelling_is_a_conflict(
    institute: Organisation,
) -> None:
    make_committee(institute)
    before = audit_actions()

    with pytest.raises(DuplicateCommitteeCode) as error:
        register_committee(
            data=committee_data(institute, code="ln/tc12", name_zh="辽宁省另一个技术委员会"),
            by=None,
        )

    assert error.value.status == 409
    assert TechnicalCommittee.objects.count() == 1
    assert audit_actions() == before


@pytest.mark.parametrize(
    ("changes", "error", "field_text"),
    [
        ({"member_count": 0}, InvalidRegistryEntry, "委员人数"),
        ({"name_zh": "  "}, InvalidRegistryEntry, "名称不能为空"),
        ({"code": "技术委员会12"}, InvalidRegistryEntry, "编号格式不正确"),
        ({"status": "sleeping"}, InvalidRegistryEntry, "sleeping"),
        ({"established_on": dt.date(2025, 6, 2)}, RegistryDatesOutOfOrder, "不能晚于今天"),
    ],
)
def test_bad_committee_input_is_refused_and_nothing_written(
    institute: Organisation, changes: dict[str, Any], error: type[Exception], field_text: str
) -> None:
    with pytest.raises(error) as raised:
        register_committee(data=committee_data(institute, **changes), by=None)

    assert field_text in str(raised.value)
    assert not TechnicalCommittee.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="standards.committee").exists()


def test_an_unknown_organisation_is_refused(institute: Organisation) -> None:
    with pytest.raises(UnknownOrganisation):
        find_organisation(uscc_for(4242))
    with pytest.raises(UnknownOrganisation):
        find_organisation("not a uscc")
    assert find_organisation(institute.uscc.lower()) == institute
    with pytest.raises(UnknownOrganisation):
        register_committee(data=committee_data(Organisation(name="未登记")), by=None)


def test_only_registrars_may_register_committees(
    institute: Organisation,
    enterprise_user: User,
    dalian_regulator: User,
    platform_admin: User,
) -> None:
    for outsider in (enterprise_user, dalian_regulator):
        with pytest.raises(RegistryActionNotAllowed) as error:
            register_committee(data=committee_data(institute), by=outsider)
        assert error.value.status == 403
    assert not TechnicalCommittee.objects.exists()

    assert register_committee(data=committee_data(institute), by=platform_admin).pk


def test_dissolving_a_committee_is_audited_with_before_and_after(
    institute: Organisation, regulator: User
) -> None:
    committee = make_committee(institute)
    data = dataclasses.replace(
        committee_data(institute), status=TechnicalCommittee.Status.DISSOLVED
    )

    update_committee(committee=committee, data=data, by=regulator)
    update_committee(committee=committee, data=data, by=regulator)  # no change: no entry

    committee.refresh_from_db()
    assert committee.status == TechnicalCommittee.Status.DISSOLVED
    entries = AuditEntry.objects.filter(action="standards.committee_updated")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.before is not None and entry.after is not None
    assert (entry.before["status"], entry.after["status"]) == ("active", "dissolved")


def test_renumbering_onto_a_taken_code_is_a_conflict(institute: Organisation) -> None:
    make_committee(institute)
    other = make_committee(institute, code="LN/TC 3", name_zh="辽宁省冶金标准化技术委员会")

    with pytest.raises(DuplicateCommitteeCode):
        update_committee(committee=other, data=committee_data(institute, code="LN/TC12"), by=None)
    other.refresh_from_db()
    assert other.code == "LN/TC 3"


@pytest.mark.parametrize(
    "query",
    [
        "装备制造",
        "装备 委员会",
        "zhuangbei",
        "lnszbzzy",
        "LN/TC 12",
        "ｌｎ／ｔｃ１２",
        "标准化研究院",
    ],
)
def test_a_committee_is_found_by_words_pinyin_initials_code_or_secretariat(
    institute: Organisation, query: str
) -> None:
    make_committee(institute)
    make_committee(
        institute, code="LN/TC 3", name_zh="辽宁省冶金标准化技术委员会", scope="钢铁冶炼"
    )

    found = [committee.code for committee in committees_matching(query)]

    if query == "标准化研究院":  # both committees' secretariat
        assert found == ["LN/TC 3", "LN/TC 12"]
    else:
        assert found == ["LN/TC 12"]


def test_committees_are_listed_in_natural_code_order_and_filtered_by_status(
    institute: Organisation,
) -> None:
    make_committee(institute, code="LN/TC 10", name_zh="辽宁省旅游标准化技术委员会")
    make_committee(
        institute,
        code="LN/TC 2",
        name_zh="辽宁省菱镁标准化技术委员会",
        status=TechnicalCommittee.Status.DISSOLVED,
    )
    make_committee(institute, code="LN/TC 1", name_zh="辽宁省农业标准化技术委员会")

    assert [c.code for c in committees_matching()] == ["LN/TC 1", "LN/TC 2", "LN/TC 10"]
    assert [c.code for c in committees_matching(status="active")] == ["LN/TC 1", "LN/TC 10"]


# --- pilot and demonstration projects ---------------------------------------------------------


def test_registers_a_pilot_project_in_its_organisations_city(farm: Organisation) -> None:
    project = make_pilot(farm)

    assert project.city.code == "210200"
    assert project.status == PilotProject.Status.ACCEPTED
    assert AuditEntry.objects.filter(action="standards.pilot_project_registered").count() == 1


@pytest.mark.parametrize(
    ("changes", "error", "text"),
    [
        ({"due_on": dt.date(2021, 2, 28)}, RegistryDatesOutOfOrder, "早于开始日期"),
        ({"accepted_on": None}, AcceptanceDateRequired, "须填写验收日期"),
        ({"accepted_on": dt.date(2021, 1, 5)}, RegistryDatesOutOfOrder, "验收日期"),
        ({"accepted_on": dt.date(2025, 7, 1)}, RegistryDatesOutOfOrder, "不能晚于今天"),
        ({"status": "underway"}, InvalidRegistryEntry, "只有已验收的项目才有验收日期"),
        ({"kind": "trial"}, InvalidRegistryEntry, "trial"),
        ({"field": "mining"}, InvalidRegistryEntry, "mining"),
        ({"level": "municipal"}, InvalidRegistryEntry, "municipal"),
        ({"name_zh": ""}, InvalidRegistryEntry, "项目名称不能为空"),
    ],
)
def test_bad_pilot_project_input_is_refused_and_nothing_written(
    farm: Organisation, changes: dict[str, Any], error: type[Exception], text: str
) -> None:
    with pytest.raises(error) as raised:
        make_pilot(farm, **changes)

    assert text in str(raised.value)
    assert not PilotProject.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="standards.pilot").exists()


def test_the_same_project_name_twice_for_one_organisation_is_a_conflict(
    farm: Organisation,
) -> None:
    make_pilot(farm)
    with pytest.raises(DuplicatePilotProject):
        make_pilot(farm, name_zh=" 大连市海参标准化养殖示范区 ")
    assert PilotProject.objects.count() == 1


def test_a_city_regulator_manages_only_its_own_citys_projects(
    farm: Organisation, institute: Organisation, dalian_regulator: User
) -> None:
    project = register_pilot_project(data=pilot_data(farm), by=dalian_regulator)
    assert project.city.code == "210200"

    with pytest.raises(RegistryActionNotAllowed):
        register_pilot_project(
            data=pilot_data(institute, name_zh="沈阳市政务服务标准化试点"), by=dalian_regulator
        )
    with pytest.raises(RegistryActionNotAllowed):
        update_pilot_project(
            project=project,
            data=pilot_data(farm, city=Region.objects.get(code="210100")),
            by=dalian_regulator,
        )
    assert PilotProject.objects.get().city.code == "210200"


def test_an_outsider_is_refused_before_the_input_is_checked(
    farm: Organisation, enterprise_user: User
) -> None:
    with pytest.raises(RegistryActionNotAllowed):
        register_pilot_project(
            data=pilot_data(farm, due_on=dt.date(2020, 1, 1)), by=enterprise_user
        )
    with pytest.raises(RegistryActionNotAllowed):
        record_contribution(
            data=ContributionData(standard_code="JJG 52-2013", organisation=farm, role="lead"),
            by=enterprise_user,
        )
    assert not PilotProject.objects.exists()
    assert not NationalStandardContribution.objects.exists()


def test_a_city_regulator_records_contributions_of_its_own_citys_organisations(
    farm: Organisation, institute: Organisation, dalian_regulator: User
) -> None:
    data = ContributionData(standard_code="GB/T 228.1-2021", organisation=farm, role="lead")
    assert record_contribution(data=data, by=dalian_regulator).pk

    with pytest.raises(RegistryActionNotAllowed):
        record_contribution(
            data=dataclasses.replace(data, organisation=institute), by=dalian_regulator
        )


def test_recording_an_outcome_updates_the_project_with_an_audit_entry(
    farm: Organisation, regulator: User
) -> None:
    project = make_pilot(farm, status="underway", accepted_on=None)

    update_pilot_project(
        project=project,
        data=pilot_data(farm, status="failed", accepted_on=None),
        by=regulator,
    )

    project.refresh_from_db()
    assert project.status == PilotProject.Status.FAILED
    entry = AuditEntry.objects.get(action="standards.pilot_project_updated")
    assert entry.after is not None and entry.after["status"] == "failed"


def test_pilot_projects_are_filtered_by_kind_level_status_city_and_words(
    farm: Organisation, institute: Organisation
) -> None:
    make_pilot(farm)
    make_pilot(
        institute,
        name_zh="沈阳市政务服务标准化试点",
        kind="pilot",
        field="social_governance",
        level="provincial",
        status="underway",
        accepted_on=None,
    )

    def names(**filters: Any) -> list[str]:
        return [p.name_zh for p in pilot_projects_matching(**filters)]

    assert names(kind="pilot") == ["沈阳市政务服务标准化试点"]
    assert names(level="national") == ["大连市海参标准化养殖示范区"]
    assert names(status="underway", city="210100") == ["沈阳市政务服务标准化试点"]
    assert names(city="210200", status="underway") == []
    assert names(q="海参") == ["大连市海参标准化养殖示范区"]
    assert names(q="haishen") == ["大连市海参标准化养殖示范区"]
    assert names(q="标准化研究院") == ["沈阳市政务服务标准化试点"]


# --- national standards led or joined -----------------------------------------------------------


def test_a_known_code_in_any_spelling_is_linked_to_the_catalogue(
    institute: Organisation, catalogue: None
) -> None:
    contribution = make_contribution(institute, "gbt 228.1—2021", role="lead")

    assert contribution.standard_code == "GB/T 228.1-2021"
    assert contribution.standard is not None
    assert contribution.year == 2021
    assert contribution.role == NationalStandardContribution.Role.LEAD


def test_a_code_the_catalogue_does_not_know_is_kept_and_flagged(
    institute: Organisation, catalogue: None
) -> None:
    contribution = make_contribution(institute, "GB/T 39116-2020")

    assert contribution.standard is None
    assert not contribution.in_catalogue
    assert AuditEntry.objects.filter(action="standards.contribution_recorded").count() == 1


def test_a_code_without_a_year_takes_the_edition_from_the_year(
    institute: Organisation, catalogue: None
) -> None:
    contribution = make_contribution(institute, "GB 1499.2", year=2018)

    assert contribution.standard_code == "GB 1499.2-2018"
    assert contribution.standard is not None


@pytest.mark.parametrize(
    ("code", "year", "error", "text"),
    [
        ("JJG 52-2013", None, NotANationalStandard, "不是国家标准"),
        ("DB21/T 1234-2020", None, NotANationalStandard, "不是国家标准"),
        ("ISO 9001:2015", None, NotANationalStandard, "不是国家标准"),
        ("not a code", None, InvalidStandardCode, "无法识别"),
        ("GB/T 228.1", None, InvalidRegistryEntry, "须填写发布年份"),
        ("GB/T 228.1-2021", 2020, InvalidRegistryEntry, "不一致"),
        ("GB/T 228.1", 2031, InvalidRegistryEntry, "发布年份应在"),
    ],
)
def test_bad_contribution_input_is_refused_and_nothing_written(
    institute: Organisation, code: str, year: int | None, error: type[Exception], text: str
) -> None:
    with pytest.raises(error) as raised:
        make_contribution(institute, code, year=year)

    assert text in str(raised.value)
    assert not NationalStandardContribution.objects.exists()


def test_the_same_standard_twice_for_one_organisation_is_a_conflict(
    institute: Organisation, farm: Organisation
) -> None:
    make_contribution(institute, "GB/T 228.1-2021")
    with pytest.raises(DuplicateContribution):
        make_contribution(institute, "GB／T 228.1—2021", role="lead")
    make_contribution(farm, "GB/T 228.1-2021")  # another organisation may join it

    assert NationalStandardContribution.objects.count() == 2


def test_a_role_can_be_corrected(institute: Organisation, regulator: User) -> None:
    contribution = make_contribution(institute)

    update_contribution(contribution=contribution, role="lead", by=regulator)

    contribution.refresh_from_db()
    assert contribution.role == "lead"
    with pytest.raises(InvalidRegistryEntry):
        update_contribution(contribution=contribution, role="sponsor", by=regulator)


def test_contributions_recorded_before_the_catalogue_knew_them_are_linked_later(
    institute: Organisation,
) -> None:
    contribution = make_contribution(institute)
    assert contribution.standard is None

    upsert_standards(
        [
            StandardData(
                code=parse_standard_code("GB/T 228.1-2021"),
                title_zh="金属材料 拉伸试验 第1部分：室温试验方法",
                type="recommended",
                status="current",
            )
        ],
        by=None,
    )

    assert link_contributions_to_catalogue(by=None) == 1
    contribution.refresh_from_db()
    assert contribution.standard is not None
    assert link_contributions_to_catalogue(by=None) == 0


def test_contributions_are_found_by_code_title_or_organisation_and_filtered(
    institute: Organisation, farm: Organisation, catalogue: None
) -> None:
    make_contribution(institute, "GB/T 228.1-2021", role="lead")
    make_contribution(farm, "GB 1499.2-2018")

    def codes(q: str = "", **filters: Any) -> list[str]:
        return [c.standard_code for c in contributions_matching(q, **filters)]

    assert codes("gbt 228.1") == ["GB/T 228.1-2021"]
    assert codes("拉伸") == ["GB/T 228.1-2021"]
    assert codes("海珍品") == ["GB 1499.2-2018"]
    assert codes(role="lead") == ["GB/T 228.1-2021"]
    assert codes(year=2018) == ["GB 1499.2-2018"]
    assert codes(city="210200") == ["GB 1499.2-2018"]


# --- counts against the plan targets ------------------------------------------------------------


def test_counts_follow_the_plan_rules_against_the_targets(
    institute: Organisation, farm: Organisation, catalogue: None
) -> None:
    # given an active and a dissolved committee
    make_committee(institute)
    make_committee(institute, code="LN/TC 2", status="dissolved", name_zh="辽宁省菱镁标委会")
    # pilot projects: accepted, under way, failed, cancelled
    make_pilot(farm)
    make_pilot(farm, name_zh="大连市物流服务标准化试点", status="underway", accepted_on=None)
    make_pilot(farm, name_zh="大连市养老服务标准化试点", status="failed", accepted_on=None)
    make_pilot(farm, name_zh="大连市家政服务标准化试点", status="cancelled", accepted_on=None)
    # one standard joined by two Liaoning organisations, one by an organisation elsewhere
    make_contribution(institute, "GB/T 228.1-2021", role="lead")
    make_contribution(farm, "GB/T 228.1-2021")
    beijing = Region.objects.create(code="110100", name="北京市", level=Region.Level.PREFECTURE)
    outsider = OrganisationFactory(uscc=uscc_for(8301, "110100"), name="北京某研究院", city=beijing)
    make_contribution(outsider, "GB 1499.2-2018")

    # when
    counts = {row.registry: row for row in registry_counts()}

    # then
    committees = counts["committees"]
    assert (committees.count, committees.target, committees.meets_target) == (1, 30, False)
    assert committees.percent == 3
    assert counts["pilot_projects"].count == 2
    assert counts["pilot_projects"].target == 50
    national = counts["national_contributions"]
    assert (national.count, national.target) == (1, 320)
    assert national.key == "standardization.national_standards_led_participated"


def test_progress_is_capped_for_the_bar_but_not_the_percent(institute: Organisation) -> None:
    for number in range(1, 32):
        make_committee(institute, code=f"LN/TC {number}", name_zh=f"第{number}技术委员会")

    committees = {row.registry: row for row in registry_counts()}["committees"]

    assert committees.meets_target is True
    assert committees.percent == 103
    assert committees.progress == 100


# --- importers ----------------------------------------------------------------------------------

COMMITTEE_HEADER = (
    "code,name_zh,name_en,scope,secretariat_uscc,chair,member_count,established_on,status\n"
)
PILOT_HEADER = "name_zh,kind,field,level,org_uscc,started_on,due_on,status,accepted_on\n"
CONTRIBUTION_HEADER = "standard_code,org_uscc,role,year\n"


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def run_import(kind: str, path: Path) -> tuple[dict[str, Any], str]:
    out, err = StringIO(), StringIO()
    call_command("import", kind, str(path), "--json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def failed_import(kind: str, path: Path) -> dict[str, Any]:
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import", kind, str(path), "--json", stdout=out, stderr=StringIO())
    assert error.value.returncode == 1
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def errors_of(result: dict[str, Any]) -> set[tuple[int, str]]:
    return {(error["row"], error["column"]) for error in result["errors"]}


def test_committee_import_is_idempotent(tmp_path: Path, institute: Organisation) -> None:
    path = write(
        tmp_path / "committees.csv",
        COMMITTEE_HEADER,
        [
            f"ln/tc12,辽宁省装备制造业标准化技术委员会,,装备制造,{institute.uscc},王建国,41,"
            "2015-06-18,active",
            f"LN/TC 3,辽宁省冶金标准化技术委员会,,,{institute.uscc.lower()},,35,2012-01-09,",
        ],
    )

    result, _ = run_import("committees", path)
    assert (result["created"], result["updated"]) == (2, 0)
    assert set(TechnicalCommittee.objects.values_list("code", flat=True)) == {
        "LN/TC 12",
        "LN/TC 3",
    }
    entries = AuditEntry.objects.count()

    again, _ = run_import("committees", path)

    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert AuditEntry.objects.count() == entries


def test_a_bad_committee_row_rejects_the_whole_file(
    tmp_path: Path, institute: Organisation
) -> None:
    path = write(
        tmp_path / "committees.csv",
        COMMITTEE_HEADER,
        [
            f"LN/TC 1,辽宁省农业标准化技术委员会,,,{institute.uscc},,30,2010-05-01,active",
            f"LN/TC 2,辽宁省菱镁标准化技术委员会,,,{uscc_for(4242)},,0,2030-01-01,asleep",
            f"ln/tc1,辽宁省重复标准化技术委员会,,,{institute.uscc},,30,2010-05-01,",
        ],
    )

    result = failed_import("committees", path)

    assert errors_of(result) == {
        (3, "secretariat_uscc"),
        (3, "member_count"),
        (3, "established_on"),
        (3, "status"),
        (4, "code"),
    }
    assert not TechnicalCommittee.objects.exists()


def test_pilot_project_import_is_idempotent_and_keyed_by_organisation_and_name(
    tmp_path: Path, farm: Organisation
) -> None:
    rows = [
        f"大连市海参标准化养殖示范区,demonstration,agriculture,national,{farm.uscc},"
        "2021-03-01,2023-03-01,accepted,2023-04-20",
        f"大连市物流服务标准化试点,pilot,service,provincial,{farm.uscc},2024-01-01,2026-01-01,,",
    ]
    path = write(tmp_path / "pilots.csv", PILOT_HEADER, rows)

    result, _ = run_import("pilot_projects", path)
    again, _ = run_import("pilot_projects", path)
    rows[1] = rows[1].replace("2026-01-01,,", "2026-01-01,cancelled,")
    changed, _ = run_import("pilot_projects", write(tmp_path / "b.csv", PILOT_HEADER, rows))

    assert result["created"] == 2
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 1)
    assert PilotProject.objects.get(name_zh="大连市物流服务标准化试点").status == "cancelled"
    assert PilotProject.objects.filter(city__code="210200").count() == 2


def test_a_bad_pilot_row_rejects_the_whole_file(tmp_path: Path, farm: Organisation) -> None:
    path = write(
        tmp_path / "pilots.csv",
        PILOT_HEADER,
        [
            f"大连市物流服务标准化试点,pilot,service,provincial,{farm.uscc},2024-01-01,2026-01-01,,",
            f"大连市养老服务标准化试点,pilot,service,provincial,{farm.uscc},2024-01-01,2023-01-01,"
            "accepted,",
            f"大连市家政服务标准化试点,pilot,service,county,{farm.uscc},2024-01-01,2026-13-01,,",
        ],
    )

    result = failed_import("pilot_projects", path)

    assert errors_of(result) == {(3, "due_on"), (3, "accepted_on"), (4, "level"), (4, "due_on")}
    assert not PilotProject.objects.exists()


def test_contribution_import_keeps_unknown_codes_and_is_idempotent(
    tmp_path: Path, institute: Organisation, farm: Organisation, catalogue: None
) -> None:
    path = write(
        tmp_path / "national.csv",
        CONTRIBUTION_HEADER,
        [
            f"gbt 228.1—2021,{institute.uscc},lead,",
            f"GB 1499.2,{farm.uscc},participate,2018",
            f"GB/T 39116-2020,{farm.uscc},participate,2020",
        ],
    )

    result, _ = run_import("national_contributions", path)
    again, _ = run_import("national_contributions", path)

    assert result["created"] == 3
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    unknown = NationalStandardContribution.objects.get(standard_code="GB/T 39116-2020")
    assert unknown.standard is None
    assert {row.registry: row.count for row in registry_counts()}["national_contributions"] == 3


def test_a_bad_contribution_row_rejects_the_whole_file(
    tmp_path: Path, institute: Organisation
) -> None:
    path = write(
        tmp_path / "national.csv",
        CONTRIBUTION_HEADER,
        [
            f"GB/T 228.1-2021,{institute.uscc},lead,",
            f"JJG 52-2013,{institute.uscc},lead,",
            f"GB/T 700-2006,{institute.uscc},sponsor,2007",
            f"GB/T 228.1-2021,{institute.uscc},participate,",
            f"GB/T 3077,{institute.uscc},participate,twenty",
        ],
    )

    result = failed_import("national_contributions", path)

    assert errors_of(result) == {
        (3, "standard_code"),
        (4, "role"),
        (4, "year"),
        (5, "standard_code"),  # the same (organisation, code) as row 2
        (6, "year"),
    }
    assert not NationalStandardContribution.objects.exists()
