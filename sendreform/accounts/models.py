"""Users, their role and binding (an establishment or a cluster), and the audit log of child-level reads."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from sendreform.accounts import roles
from sendreform.common.appendonly import AppendOnlyModel


class SendreformUserManager(UserManager):
    """`createsuperuser` makes an administrator: only that role may be staff (see the constraints below)."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", roles.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=list(roles.ROLES.items()))
    establishment = models.ForeignKey(
        "people.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text="The setting a SENCo works in.",
    )
    cluster = models.ForeignKey(
        "people.Cluster", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text="The cluster a cluster lead leads.",
    )
    practitioner_id = models.CharField(
        max_length=40, blank=True, db_index=True,
        help_text="The practitioner id on Experts at Hand involvements (e.g. 870-EAH01): an Experts at Hand or "
        "health practitioner sees the children of the referrals they are involved in.",
    )

    objects = SendreformUserManager()

    class Meta:
        db_table = "app_user"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=roles.SENCO) | Q(establishment__isnull=False),
                name="app_user_senco_has_establishment",
            ),
            models.CheckConstraint(
                condition=~Q(role=roles.CLUSTER_LEAD) | Q(cluster__isnull=False),
                name="app_user_cluster_lead_has_cluster",
            ),
            # The Django admin edits reference data and users only; keeping staff to administrators means it
            # can never become a way round the selectors' scopes for any other role.
            models.CheckConstraint(
                condition=Q(is_staff=False, is_superuser=False) | Q(role=roles.ADMIN),
                name="app_user_only_administrators_are_staff",
            ),
        ]

    @property
    def role_label(self) -> str:
        return roles.ROLES.get(self.role, "No role")


class AuditEntry(AppendOnlyModel):
    """One read (or write) of child-level data, a sign-in or sign-out, an import or export: who, when, which
    child, which page. Append-only: no entry is changed or deleted (`sendreform.common.appendonly`)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="audit_entries")
    username = models.CharField(max_length=150, help_text="Kept when the user is later deleted.")
    action = models.CharField(max_length=40)
    person_id = models.CharField(max_length=40, blank=True, db_index=True)
    page = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "app_audit_entry"
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.person_id}"


class SignInThrottle(models.Model):
    """Recent failed sign-ins for one username or one client address. After a few free failures each further
    one makes the next attempt wait, twice as long each time up to a cap: never a lock-out. Keyed by a hash, so
    no username typed (a password typed into the wrong box, say) or address is stored; the same for usernames
    that exist and those that do not, so a wait says nothing about whether an account exists."""

    USERNAME, ADDRESS = "username", "address"

    key = models.CharField(max_length=64, primary_key=True,
                           help_text="SHA-256 of the kind and the casefolded username or the client address.")
    kind = models.CharField(max_length=10, choices=[(USERNAME, "Username"), (ADDRESS, "Client address")])
    failures = models.PositiveIntegerField(default=0)
    last_failed = models.DateTimeField()
    wait_until = models.DateTimeField(null=True, blank=True,
                                      help_text="No password is checked for this username or address until then.")

    class Meta:
        db_table = "app_sign_in_throttle"

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:12]}… {self.failures} failures"
