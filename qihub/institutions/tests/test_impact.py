"""Change impact: a standards import that supersedes or withdraws a cited standard flags exactly
the citing capability lines and notifies exactly those institutions, once."""

import pytest

from qihub.accounts.models import AuditEntry, Notification, Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.institutions.models import CapabilityLine
from qihub.institutions.tests.conftest import (
    CAPABILITIES_HEADER,
    STANDARDS_HEADER,
    run_import,
    write_csv,
)
from qihub.institutions.tests.factories import QualificationFactory, cma_number


def row(organisation, number, parameter, standard):
    return [
        organisation.uscc,
        number,
        "test",
        "TF02",
        "钢",
        parameter,
        standard,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]


@pytest.fixture
def scopes(catalogue, lab, tmp_path):
    other = OrganisationFactory(
        uscc=uscc_for(9301), name="鞍山钢材检测中心", kind=Organisation.Kind.TESTING_LAB
    )
    bystander = OrganisationFactory(
        uscc=uscc_for(9302), name="抚顺检测有限公司", kind=Organisation.Kind.TESTING_LAB
    )
    numbers = {}
    for serial, organisation in enumerate((lab, other, bystander), start=1):
        numbers[organisation.pk] = QualificationFactory(
            organisation=organisation, number=cma_number(serial)
        ).number
    path = write_csv(
        tmp_path / "scopes.csv",
        CAPABILITIES_HEADER,
        [
            row(lab, numbers[lab.pk], "化学成分", "GB/T 699-2015"),
            row(lab, numbers[lab.pk], "硬度", "GB/T 699-2015;GB/T 3077-2015"),
            row(lab, numbers[lab.pk], "拉伸", "GB/T 228.1-2021"),
            row(other, numbers[other.pk], "化学成分", "GB/T 699"),  # any edition
            row(other, numbers[other.pk], "冲击", "GB/T 3077-2015"),
            row(bystander, numbers[bystander.pk], "拉伸", "GB/T 228.1-2021"),
        ],
    )
    assert run_import("capabilities", path)[0] == 0
    return {"lab": lab, "other": other, "bystander": bystander}


def import_standards(tmp_path, name, lines):
    path = write_csv(tmp_path / name, STANDARDS_HEADER, lines)
    code, _out, err = run_import("standards", path)
    assert code == 0, err


SUPERSEDING = [
    "GB/T 699-2025,优质碳素结构钢,,recommended,current,2025-03-01,2025-10-01,"
    "GB/T 699-2015,,77.140.45,H40,"
]


def flagged():
    return set(
        CapabilityLine.objects.filter(standards_flag="out_of_force").values_list(
            "organisation__name", "parameter"
        )
    )


def test_superseding_flags_citing_lines_and_notifies_once(scopes, tmp_path):
    lab = scopes["lab"]

    import_standards(tmp_path, "newer.csv", SUPERSEDING)

    # exactly the lines citing the 2015 edition; "GB/T 699" (any edition) is still in force
    assert flagged() == {(lab.name, "化学成分"), (lab.name, "硬度")}
    assert set(
        CapabilityLine.objects.filter(is_flagged=True).values_list("parameter", flat=True)
    ) == {"化学成分", "硬度"}
    notice = Notification.objects.get(kind="capability_standard_changed")
    assert notice.recipient_organisation == lab
    assert "GB/T 699-2015 已被代替，现行版本为 GB/T 699-2025" in notice.message
    assert "2 项能力" in notice.message
    assert notice.link == f"/institutions/{lab.uscc}/"
    assert AuditEntry.objects.filter(action="institutions.capabilities_flagged").count() == 1

    # re-running the same import notifies nobody
    import_standards(tmp_path, "again.csv", SUPERSEDING)
    assert Notification.objects.filter(kind="capability_standard_changed").count() == 1


def test_withdrawal_without_successor_flags_every_edition_citation(scopes, tmp_path):
    lab, other = scopes["lab"], scopes["other"]

    import_standards(
        tmp_path,
        "withdrawn.csv",
        [
            "GB/T 699-2015,优质碳素结构钢,,recommended,withdrawn,2015-12-10,2016-11-01,,,"
            "77.140.45,H40,"
        ],
    )

    assert flagged() == {(lab.name, "化学成分"), (lab.name, "硬度"), (other.name, "化学成分")}
    notified = set(
        Notification.objects.filter(kind="capability_standard_changed").values_list(
            "recipient_organisation__name", flat=True
        )
    )
    assert notified == {lab.name, other.name}
    message = Notification.objects.get(recipient_organisation=other).message
    assert "GB/T 699-2015 已废止，目前没有现行版本" in message


def test_a_status_change_to_current_flags_nothing(scopes, tmp_path):
    import_standards(
        tmp_path,
        "upcoming.csv",
        ["GB/T 3077-2015,合金结构钢,,recommended,upcoming,2015-12-10,2016-11-01,,,77.140.40,H40,"],
    )
    import_standards(
        tmp_path,
        "current.csv",
        ["GB/T 3077-2015,合金结构钢,,recommended,current,2015-12-10,2016-11-01,,,77.140.40,H40,"],
    )
    assert flagged() == set()
    assert not Notification.objects.filter(kind="capability_standard_changed").exists()
