"""Demo self-declarations: realistic, in force, repeatable."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from qihub.accounts.models import Organisation
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.demo.declarations import load_declaration_demo
from qihub.standards.models import Standard
from qihub.standards.models.declarations import Declaration, DeclaredStandard

SEED_CSV = Path(__file__).resolve().parents[2] / "standards" / "data" / "standards.csv"


def test_publishes_declarations_citing_standards_in_force(reference, platform_admin):
    # given
    call_command("import", "standards", str(SEED_CSV), stdout=StringIO())
    for serial in range(12):
        OrganisationFactory(
            uscc=uscc_for(7000 + serial),
            name=f"沈阳第{serial + 1}机械制造有限公司",
            kind=Organisation.Kind.ENTERPRISE,
        )
    # when
    published = load_declaration_demo(seed=7, count=10)
    # then
    assert published == 10
    assert Declaration.objects.published().count() == 10
    cited = DeclaredStandard.objects.filter(is_own_standard=False)
    assert cited.exists()
    assert not cited.exclude(standard__status=Standard.Status.CURRENT).exists()
    assert DeclaredStandard.objects.filter(is_own_standard=True).exists()
    # re-running adds nothing
    assert load_declaration_demo(seed=7, count=10) == 0
