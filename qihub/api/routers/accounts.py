"""The signed-in user and their API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from ninja import Router, Status

from qihub.accounts.models import ApiToken
from qihub.accounts.queries import active_token, memberships_of, tokens_of
from qihub.accounts.services import issue_api_token, revoke_api_token
from qihub.api.errors import AUTH_ERRORS, ProblemOut
from qihub.api.schemas.accounts import MeOut, TokenCreatedOut, TokenIn, TokenOut
from qihub.api.security import AUTHENTICATED, ActiveSessionAuth
from qihub.core.http import AuthenticatedRequest

router = Router(tags=["accounts"])


@router.get(
    "/me",
    response={200: MeOut, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="me",
    summary="The signed-in user and their organisations",
)
def me(request: AuthenticatedRequest) -> dict[str, object]:
    user = request.auth
    return {
        "username": user.username,
        "display_name": user.display_name,
        "is_platform_admin": user.is_platform_admin,
        "memberships": [
            {
                "uscc": m.organisation.uscc,
                "name": m.organisation.name,
                "kind": m.organisation.kind,
                "role": m.role,
            }
            for m in memberships_of(user)
        ],
    }


@router.get(
    "/tokens",
    response={200: list[TokenOut], **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="token-list",
    summary="My API tokens (secrets are never shown again)",
)
def list_tokens(request: AuthenticatedRequest) -> list[ApiToken]:
    return tokens_of(request.auth)


# Issuing a token needs the browser session: a leaked token must not be able to mint more.
@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **AUTH_ERRORS},
    auth=ActiveSessionAuth(),
    url_name="token-create",
    summary="Issue an API token",
)
def create_token(request: AuthenticatedRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    expires_at = (
        timezone.now() + timedelta(days=payload.expires_in_days)
        if payload.expires_in_days
        else None
    )
    token, secret = issue_api_token(
        user=request.auth, name=payload.name, by=request.auth, expires_at=expires_at
    )
    body = TokenCreatedOut(
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=None,
        revoked_at=None,
        token=secret,
    )
    return Status(201, body)


@router.delete(
    "/tokens/{prefix}",
    response={204: None, 404: ProblemOut, **AUTH_ERRORS},
    auth=AUTHENTICATED,
    url_name="token-revoke",
    summary="Revoke one of my tokens",
)
def delete_token(request: AuthenticatedRequest, prefix: str) -> Status[None]:
    token = active_token(request.auth, prefix)
    if token is None:
        raise Http404("No such active token.")
    revoke_api_token(token=token, by=request.auth)
    return Status(204, None)
