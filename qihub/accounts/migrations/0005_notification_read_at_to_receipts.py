"""Carry each user notification's read time over to a receipt of its recipient.

Organisation notifications that were marked read said nothing about which member read them, so
they start unread for every member.
"""

from django.db import migrations


def copy_read_times(apps, schema_editor):
    Notification = apps.get_model("accounts", "Notification")
    NotificationReceipt = apps.get_model("accounts", "NotificationReceipt")
    read = Notification.objects.filter(read_at__isnull=False, recipient_user__isnull=False)
    NotificationReceipt.objects.bulk_create(
        [
            NotificationReceipt(
                notification_id=n.pk, user_id=n.recipient_user_id, read_at=n.read_at
            )
            for n in read.iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_notification_receipt")]

    operations = [migrations.RunPython(copy_read_times, migrations.RunPython.noop)]
