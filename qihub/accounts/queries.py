"""Reads about who someone is and what they may do."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from qihub.accounts.models import (
    ApiToken,
    Membership,
    Notification,
    NotificationReceipt,
    Organisation,
    User,
)
from qihub.accounts.services import TOKEN_PREFIX
from qihub.reference.models import Region


def user_for_api_token(secret: str) -> User | None:
    """The active user a bearer token belongs to, or None. Records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(secret)).first()
    )
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy client would otherwise write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    """A user's API tokens, newest first, revoked and expired ones included (for the record)."""
    return list(ApiToken.objects.filter(user=user))


def active_token(user: User, prefix: str) -> ApiToken | None:
    """One of the user's tokens that is not revoked; None for anyone else's or an unknown one."""
    return ApiToken.objects.filter(user=user, prefix=prefix, revoked_at=None).first()


def memberships_of(user: Any) -> list[Membership]:
    if user is None or not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("organisation__city"))


def is_organisation_admin(user: Any, organisation: Organisation) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


def regulator_jurisdictions(user: Any) -> list[Region]:
    """The regions a user regulates: the province, or cities, through regulator memberships."""
    if user is None or not user.is_authenticated:
        return []
    return [
        m.organisation.jurisdiction
        for m in Membership.objects.filter(
            user=user,
            organisation__kind=Organisation.Kind.REGULATOR,
            organisation__jurisdiction__isnull=False,
        ).select_related("organisation__jurisdiction")
        if m.organisation.jurisdiction is not None
    ]


def regulates_city(user: Any, city_code: str) -> bool:
    for region in regulator_jurisdictions(user):
        if region.level == Region.Level.PROVINCE or region.code == city_code:
            return True
    return bool(getattr(user, "is_platform_admin", False))


def notifications_for(user: Any) -> QuerySet[Notification]:
    """A user's own notifications and their organisations', newest first; none for anonymous."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    receipt = NotificationReceipt.objects.filter(notification=OuterRef("pk"), user=user)
    return (
        Notification.objects.filter(
            Q(recipient_user=user) | Q(recipient_organisation__in=organisations)
        )
        .annotate(read_at=Subquery(receipt.values("read_at")[:1]))
        .select_related("recipient_organisation")
    )


def unread_notification_count(user: Any) -> int:
    """How many of ``notifications_for(user)`` this user has not read yet."""
    return notifications_for(user).exclude(receipts__user=user).count()
