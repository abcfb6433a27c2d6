"""``qihub platform_admin grant|withdraw USERNAME``: who administers the platform.

Create the person first (``qihub createsuperuser`` or the admin site), then grant. Granting
sets ``is_platform_admin`` and ``is_staff`` (the admin site); the change is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qihub.accounts.models import User
from qihub.accounts.services import set_platform_admin
from qihub.core.context import client_address


class Command(BaseCommand):
    help = "Grant or withdraw platform administration for an existing user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["grant", "withdraw"])
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user '{options['username']}'; create the account first")
        granting = options["action"] == "grant"
        with client_address("cli"):
            set_platform_admin(user=user, is_platform_admin=granting, by=None)
        verb = "is now" if granting else "is no longer"
        self.stdout.write(f"{user.username} {verb} a platform administrator")
