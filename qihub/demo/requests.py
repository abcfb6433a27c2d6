"""Demo service requests between the demo personas: ``demo_enterprise``'s enterprise asks,
``demo_lab_admin``'s lab answers, so each login has something in every state to look at — a
fresh request with proposals, an unanswered invitation, a quote to compare, an order in progress,
a completed and rated order, and a cancelled request.

Everything goes through the services in ``matching.requests``, acting as the two personas, so
the audit log and notifications look as they would in real use. Runs once: if the demo
enterprise already has requests, nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from qihub.accounts.models import Organisation, User
from qihub.institutions.models import CapabilityLine
from qihub.matching.models import ServiceRequest
from qihub.matching.requests import (
    accept_quote,
    advance_order,
    cancel_request,
    create_request,
    invite,
    rate_order,
    submit_quote,
)

ENTERPRISE_LOGIN = "demo_enterprise"
LAB_LOGIN = "demo_lab_admin"


@dataclass(frozen=True)
class _Parties:
    enterprise: Organisation
    enterprise_user: User
    lab: Organisation
    lab_user: User


def _parties() -> _Parties | None:
    enterprise_user = User.objects.filter(username=ENTERPRISE_LOGIN).first()
    lab_user = User.objects.filter(username=LAB_LOGIN).first()
    if enterprise_user is None or lab_user is None:
        return None
    enterprise = Organisation.objects.filter(
        memberships__user=enterprise_user, kind=Organisation.Kind.ENTERPRISE
    ).first()
    lab = Organisation.objects.filter(memberships__user=lab_user).first()
    if enterprise is None or lab is None or not lab.is_institution:
        return None
    return _Parties(enterprise, enterprise_user, lab, lab_user)


def _needs(lab: Organisation) -> list[str]:
    """Needs the demo lab can meet, in the words of its own capability lines."""
    lines = CapabilityLine.objects.filter(organisation=lab).order_by("id")[:40]
    needs: list[str] = []
    for line in lines:
        text = f"{line.object}{line.parameter}"[:80]
        if text and text not in needs:
            needs.append(f"{text} {lab.city.name}")
        if len(needs) == 6:
            break
    while len(needs) < 6:
        needs.append(f"钢筋拉伸试验 {lab.city.name}")
    return needs


def load_request_demo() -> int:
    """Create the demo requests; returns how many (0 when they exist or the personas do not)."""
    parties = _parties()
    if parties is None or ServiceRequest.objects.filter(enterprise=parties.enterprise).exists():
        return 0
    ent, ent_user, lab, lab_user = (
        parties.enterprise,
        parties.enterprise_user,
        parties.lab,
        parties.lab_user,
    )
    needs = _needs(lab)

    def post(need: str, title: str, budget: str | None = None) -> ServiceRequest:
        return create_request(
            enterprise=ent, by=ent_user, need_text=need, title=title, budget_cny=budget
        )

    # 1. fresh: proposals to look at, nobody invited yet
    post(needs[0], "新需求：待邀请机构")
    # 2. the lab invited, not answered yet
    waiting = post(needs[1], "待机构答复", "2000")
    invite(request=waiting, institution=lab, by=ent_user)
    # 3. the lab quoted: a quote to compare and accept
    quoted = post(needs[2], "已收到报价", "5000")
    invitation = invite(request=quoted, institution=lab, by=ent_user)
    submit_quote(
        invitation=invitation, by=lab_user, price_cny="1800", days=5, conditions="含税；含取样"
    )
    # 4. ordered and in progress
    ordered = post(needs[3], "订单进行中")
    invitation = invite(request=ordered, institution=lab, by=ent_user)
    quote = submit_quote(invitation=invitation, by=lab_user, price_cny="2600", days=7)
    order = accept_quote(quote=quote, by=ent_user)
    advance_order(order=order, by=lab_user, to_status="samples_received")
    advance_order(order=order, by=lab_user, to_status="in_progress")
    # 5. completed and rated
    done = post(needs[4], "已完成并评价")
    invitation = invite(request=done, institution=lab, by=ent_user)
    quote = submit_quote(invitation=invitation, by=lab_user, price_cny="1200", days=3)
    order = accept_quote(quote=quote, by=ent_user)
    for status in ("samples_received", "in_progress"):
        order = advance_order(order=order, by=lab_user, to_status=status)
    order = advance_order(
        order=order, by=lab_user, to_status="report_issued", report_number="DEMO-2026-0001"
    )
    order = advance_order(order=order, by=ent_user, to_status="completed")
    rate_order(order=order, by=ent_user, score=5, comment="报告出得快，沟通顺畅。")
    # 6. cancelled
    cancelled = post(needs[5], "已取消的需求")
    invite(request=cancelled, institution=lab, by=ent_user)
    cancel_request(request=cancelled, by=ent_user, reason="项目推迟")
    return 6
