"""Tenants and the people in them: users sign in by email and belong to workspaces by membership."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

WORKSPACE_SLUG_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]  # the toolkit is untyped
    """A person. Emails are stored lower-cased so sign-in and imports match them exactly."""

    class DiffView(models.TextChoices):
        UNIFIED = "unified", "Unified"
        SPLIT = "split", "Split"

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    diff_view = models.CharField(
        max_length=7, choices=DiffView.choices, default=DiffView.UNIFIED, help_text="How session pages show diffs."
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Workspace(models.Model):
    """A tenant. Everything a credential can read belongs to exactly one workspace."""

    slug = models.SlugField(
        max_length=50,
        unique=True,
        validators=[
            RegexValidator(
                f"^{WORKSPACE_SLUG_PATTERN}$",
                "Use lower-case letters, digits and inner hyphens (at most 50).",
            )
        ],
    )
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(User, through="Membership", related_name="workspaces")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user_per_workspace")
        ]
        ordering = ["workspace", "user"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def can_manage(self) -> bool:
        """Owners and admins manage keys, connected apps and members."""
        return self.role in (self.Role.OWNER, self.Role.ADMIN)


class AuditEvent(models.Model):
    """One change someone made to how a workspace is governed: its MCP and ingestion keys, connected apps, members
    and MCP policy — who, when, what, before → after. Only added to (the serving role may not change or delete a row:
    workspaces migration 0004); pruned with the activity log (ALLOY_ACTIVITY_RETENTION_DAYS)."""

    class Action(models.TextChoices):
        KEY_CREATED = "key.created", "MCP key created"
        KEY_REVOKED = "key.revoked", "MCP key revoked"
        KEY_DELETED = "key.deleted", "MCP key deleted"
        APP_REVOKED = "app.revoked", "Connected app revoked"
        MEMBER_ADDED = "member.added", "Member added"
        MEMBER_ROLE_CHANGED = "member.role_changed", "Member's role changed"
        MEMBER_REMOVED = "member.removed", "Member removed"
        POLICY_CHANGED = "policy.changed", "MCP policy changed"
        INGEST_KEY_CREATED = "ingest_key.created", "Ingestion key created"
        INGEST_KEY_REVOKED = "ingest_key.revoked", "Ingestion key revoked"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    # Who: the person (kept as their email too, so a deleted account still says who), or an operator's command.
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=32, choices=Action.choices)
    target = models.CharField(max_length=300, help_text="What was changed: a key, an app, a person, the policy.")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["workspace", "-id"], name="auditevent_ws_id_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target} by {self.actor_label}"

    @property
    def change(self) -> str:
        """Before → after, field by field, as the trail shows it: "role: member → admin"."""
        before, after = self.before or {}, self.after or {}
        names = list(dict.fromkeys([*before, *after]))
        return "; ".join(f"{name}: {_shown(before.get(name))} → {_shown(after.get(name))}" for name in names)


def _shown(value: object) -> str:
    """A field's value in the audit trail's words."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    return str(value)
