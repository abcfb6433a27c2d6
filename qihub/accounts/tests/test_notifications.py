"""In-app notifications: to an organisation, read by its members, private to them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from qihub.accounts.models import AuditEntry, Notification, NotificationReceipt
from qihub.accounts.queries import notifications_for, unread_notification_count
from qihub.accounts.services import mark_notification_read, notify_organisation
from qihub.accounts.tests.factories import MembershipFactory, UserFactory
from qihub.core.errors import PermissionDenied


def notify(organisation, **kwargs):
    return notify_organisation(
        organisation=organisation,
        kind=kwargs.pop("kind", "standard_superseded"),
        title="执行标准 GB/T 699-2015 被代替",
        message="现行版本为 GB/T 699-2025。",
        link="/declarations/",
        by=None,
        **kwargs,
    )


def test_members_see_their_organisations_notifications(enterprise, enterprise_user, lab_admin):
    # when
    notice = notify(enterprise)
    # then
    assert list(notifications_for(enterprise_user)) == [notice]
    assert list(notifications_for(lab_admin)) == []
    assert AuditEntry.objects.filter(action="accounts.notification_sent").count() == 1


def test_users_see_notifications_addressed_to_them(enterprise_user, lab_admin):
    mine = Notification.objects.create(
        recipient_user=lab_admin, kind="test", title="t", message="m"
    )
    assert list(notifications_for(lab_admin)) == [mine]
    assert list(notifications_for(enterprise_user)) == []


def test_newest_first(enterprise, enterprise_user):
    first = notify(enterprise)
    second = notify(enterprise)
    assert list(notifications_for(enterprise_user)) == [second, first]


def test_a_notification_needs_a_recipient(db):
    with pytest.raises(IntegrityError):
        Notification.objects.create(kind="test", title="t", message="m")


def test_mark_read_once(enterprise, enterprise_user):
    notice = notify(enterprise)
    mark_notification_read(notification=notice, by=enterprise_user)
    read = mark_notification_read(notification=notice, by=enterprise_user)
    assert read.read_at is not None
    assert AuditEntry.objects.filter(action="accounts.notification_read").count() == 1


def test_others_cannot_mark_it_read(enterprise, lab_admin):
    notice = notify(enterprise)
    with pytest.raises(PermissionDenied):
        mark_notification_read(notification=notice, by=lab_admin)
    assert not NotificationReceipt.objects.exists()


def test_each_member_reads_an_organisations_notification_for_themselves(
    enterprise, enterprise_user
):
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, organisation=enterprise, role="member")
    notice = notify(enterprise)
    mark_notification_read(notification=notice, by=enterprise_user)
    assert [n.is_read for n in notifications_for(enterprise_user)] == [True]
    assert [n.is_read for n in notifications_for(colleague)] == [False]
    assert unread_notification_count(enterprise_user) == 0
    assert unread_notification_count(colleague) == 1


def test_link_must_stay_on_the_site(enterprise):
    with pytest.raises(ValidationError):
        notify_organisation(
            organisation=enterprise,
            kind="x",
            title="t",
            message="m",
            link="https://evil.example/",
            by=None,
        )
