from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_notification_read_at_to_receipts")]

    operations = [migrations.RemoveField(model_name="notification", name="read_at")]
