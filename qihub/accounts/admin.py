from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from qihub.accounts.models import ApiToken, AuditEntry, Membership, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("QI Hub", {"fields": ("display_name", "is_platform_admin")}),
    )
    list_display = ("username", "display_name", "email", "is_platform_admin", "is_active")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "uscc", "kind", "city", "is_active")
    list_filter = ("kind", "city", "is_active")
    search_fields = ("name", "uscc", "name_initials")
    readonly_fields = ("uscc", "name_pinyin", "name_initials", "created_at", "updated_at")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "organisation", "role")
    list_filter = ("role",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = (
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_repr",
        "client_address",
    )
    list_filter = ("action",)
    search_fields = ("actor_label", "target_id", "target_repr")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
