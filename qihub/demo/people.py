"""Demo logins: one person per role the specs talk about, all with one published password.

The password is in the README and printed after every run, so these accounts are for demo
databases only. It passes the platform's own validators (10+ characters, three classes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qihub.accounts.models import Membership, Organisation, User
from qihub.accounts.services import add_member, create_user

DEMO_PASSWORD = "Demo-QiHub-2025"  # noqa: S105 - published on purpose, demo databases only
DEMO_EMAIL_DOMAIN = "demo.qihub.example"


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    role: str  # what the login shows off, for the summary
    anchor: str  # which organisation: see ``loader.persona_anchors``; "" for none
    membership_role: str = Membership.Role.MEMBER
    is_platform_admin: bool = False


PERSONAS: tuple[Persona, ...] = (
    Persona("demo_enterprise", "企业用户（演示）", "enterprise member", "enterprise"),
    Persona(
        "demo_lab_admin",
        "检验检测机构管理员（演示）",
        "lab admin",
        "testing_lab",
        Membership.Role.ADMIN,
    ),
    Persona(
        "demo_cb_reviewer",
        "认证机构审核员（演示）",
        "certification-body member",
        "certification_body",
    ),
    Persona("demo_province", "省局监管人员（演示）", "provincial regulator", "210000"),
    Persona("demo_shenyang", "沈阳市局监管人员（演示）", "city regulator (沈阳)", "210100"),
    Persona("demo_admin", "平台管理员（演示）", "platform admin", "", is_platform_admin=True),
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organisation: str

    def as_dict(self) -> dict[str, str]:
        return {"username": self.username, "role": self.role, "organisation": self.organisation}


@dataclass
class PersonaCounts:
    users_created: int = 0
    users_existing: int = 0
    memberships_added: int = 0


def ensure_personas(anchors: Mapping[str, Organisation]) -> tuple[PersonaCounts, list[Login]]:
    """Create the demo logins that are missing and give each its membership.

    An existing account is left as it is (its password may have been changed on purpose); only a
    missing membership is added, so a second run writes nothing.
    """
    counts = PersonaCounts()
    logins: list[Login] = []
    for persona in PERSONAS:
        user = User.objects.filter(username=persona.username).first()
        if user is None:
            user = create_user(
                username=persona.username,
                password=DEMO_PASSWORD,
                email=f"{persona.username}@{DEMO_EMAIL_DOMAIN}",
                display_name=persona.display_name,
                by=None,
                is_platform_admin=persona.is_platform_admin,
            )
            counts.users_created += 1
        else:
            counts.users_existing += 1
        organisation = anchors.get(persona.anchor) if persona.anchor else None
        if (
            organisation is not None
            and not Membership.objects.filter(
                user=user, organisation=organisation, role=persona.membership_role
            ).exists()
        ):
            add_member(user=user, organisation=organisation, role=persona.membership_role, by=None)
            counts.memberships_added += 1
        logins.append(
            Login(
                persona.username,
                persona.role,
                organisation.name if organisation is not None else "",
            )
        )
    return counts, logins
