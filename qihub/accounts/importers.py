"""``qihub import orgs FILE``: organisations by USCC (columns uscc,name,kind,city_code,address)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from qihub.accounts.identifiers import InvalidUSCC, normalise_uscc
from qihub.accounts.models import Organisation
from qihub.accounts.services import OrganisationData, upsert_organisations
from qihub.core.imports import ImportCounts, Importer, RowInvalid
from qihub.core.text import normalise_text
from qihub.reference.models import Region


class OrganisationImporter(Importer[OrganisationData]):
    kind = "orgs"
    columns = ("uscc", "name", "kind", "city_code", "address")
    required_columns = ("uscc", "name", "kind", "city_code")

    def prepare(self) -> None:
        self.regions = {region.code: region for region in Region.objects.all()}

    def key(self, parsed: OrganisationData) -> str:
        return parsed.uscc

    def parse_row(self, row: dict[str, str]) -> OrganisationData:
        errors: list[tuple[str, str]] = []
        uscc = ""
        try:
            uscc = normalise_uscc(row.get("uscc", ""))
        except InvalidUSCC as error:
            errors.append(("uscc", error.detail))
        name = normalise_text(row.get("name", ""))
        if not name:
            errors.append(("name", _("名称不能为空")))
        elif len(name) > 200:
            errors.append(("name", _("名称过长（最多200字）")))
        kind = row.get("kind", "").strip().lower()
        if kind not in Organisation.Kind.values:
            errors.append(
                (
                    "kind",
                    _("未知的机构类型“%(kind)s”；可用：%(kinds)s")
                    % {"kind": kind, "kinds": ", ".join(Organisation.Kind.values)},
                )
            )
        code = row.get("city_code", "").strip()
        region = self.regions.get(code)
        if region is None or region.level == Region.Level.PROVINCE:
            errors.append(
                ("city_code", _("未知的市或区县代码“%(code)s”（GB/T 2260）") % {"code": code})
            )
        address = normalise_text(row.get("address", ""))
        if len(address) > 300:
            errors.append(("address", _("地址过长（最多300字）")))
        if errors or region is None:
            raise RowInvalid(errors)
        county = code if region.level == Region.Level.COUNTY else ""
        city = code[:4] + "00" if county else code
        return OrganisationData(
            uscc=uscc, name=name, kind=kind, city_code=city, county_code=county, address=address
        )

    def write_chunk(self, rows: Sequence[OrganisationData], *, by: Any) -> ImportCounts:
        return upsert_organisations(rows, by=by, regions=self.regions)
