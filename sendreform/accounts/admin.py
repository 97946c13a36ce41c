"""User accounts in the Django admin. Only administrators are staff, so only they reach this."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from sendreform.accounts.models import User
from sendreform.accounts.services import user_save


@admin.register(User)
class SendreformUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "establishment", "cluster", "practitioner_id",
                    "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "practitioner_id")
    autocomplete_fields = ("establishment", "cluster")
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Role and scope", {
            "fields": ("role", "establishment", "cluster", "practitioner_id"),
            "description": "A SENCo needs a setting, a cluster lead a cluster, and an Experts at Hand or health "
                           "practitioner a practitioner id. Only administrators can use this admin.",
        }),
        ("Sign-in", {
            "fields": ("is_active", "last_login", "date_joined", "is_staff", "is_superuser"),
            "description": "A user who has lost their authenticator app: delete their device under TOTP devices, "
                           "and they set up a new one at their next sign-in.",
        }),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role", "establishment",
                                                 "cluster", "practitioner_id")}),
    )

    def save_model(self, request, obj, form, change):
        # Staff status follows the role, through the one service that saves users.
        user_save(user=obj)
