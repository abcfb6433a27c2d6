"""``qihub token create USERNAME --name NAME [--days N]`` and ``qihub token revoke PREFIX``."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qihub.accounts.models import ApiToken, User
from qihub.accounts.services import issue_api_token, revoke_api_token
from qihub.core.context import client_address


class Command(BaseCommand):
    help = "Issue or revoke API bearer tokens (the secret is printed once and never stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token for a user")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="what the token is for")
        create.add_argument("--days", type=int, default=None, help="expire after N days")
        create.add_argument("--json", action="store_true")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        with client_address("cli"):
            if options["action"] == "create":
                self._create(options)
            else:
                self._revoke(options["prefix"])

    def _create(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user '{options['username']}'")
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        token, secret = issue_api_token(
            user=user, name=options["name"], by=user, expires_at=expires_at
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "prefix": token.prefix,
                        "token": secret,
                        "expires_at": expires_at.isoformat() if expires_at else None,
                    }
                )
            )
        else:
            self.stdout.write(f"token for {user.username} (prefix {token.prefix}): {secret}")
            self.stdout.write("Store it now: it cannot be shown again.")

    def _revoke(self, prefix: str) -> None:
        token = (
            ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at=None).first()
        )
        if token is None:
            raise CommandError(f"no active token with prefix '{prefix}'")
        revoke_api_token(token=token, by=token.user)
        self.stdout.write(f"token {prefix} revoked")
