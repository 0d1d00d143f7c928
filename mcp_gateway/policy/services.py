"""Changing a workspace's MCP policy: every field checked with a sentence that says what is accepted, then one
transaction that writes the row, raises its revision (so every worker re-checks its callers on their next
request) and stops existing keys at a new lifetime cap."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db.models import F, Q

from mcp_gateway.models import McpKey, McpPolicy
from mcp_gateway.policy.rules import ALL_TOOLS, PolicySnapshot
from mcp_gateway.policy.selectors import mcp_policy_of, policy_fields
from sessions_app.tenancy import only_workspace
from workspaces.audit import audit_event_record
from workspaces.models import AuditEvent, User, Workspace

FIELDS = ("enabled", "credentials", "oauth_apps", "max_key_lifetime_days", "tools", "key_networks")
CREDENTIAL_KINDS = ("keys", "oauth")
MAX_LIST_ENTRIES = 100
MAX_KEY_LIFETIME_DAYS = 3650
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


class InvalidPolicy(ValueError):
    """A change the policy cannot take; `field` names what was wrong, `str()` says what is accepted."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def mcp_policy_update(*, workspace: Workspace, changes: object, by: User | None) -> PolicySnapshot:
    """Apply `changes` (any of FIELDS, as the API spells them) and return the policy now in force."""
    columns = policy_columns(changes)
    with only_workspace(workspace.pk):  # a transaction; policies and keys are behind the wall
        before = _fields(mcp_policy_of(workspace=workspace))
        row, _ = McpPolicy.objects.select_for_update().get_or_create(workspace=workspace)
        for name, value in columns.items():
            setattr(row, name, value)
        row.updated_by = by
        row.save()
        McpPolicy.objects.filter(pk=row.pk).update(revision=F("revision") + 1)
        if (days := row.max_key_lifetime_days) is not None:
            _stop_keys_at(workspace=workspace, days=days)
        policy = mcp_policy_of(workspace=workspace)
        after = _fields(policy)
        changed = {name for name in after if after[name] != before[name]}
        audit_event_record(
            workspace=workspace,
            by=by,
            action=AuditEvent.Action.POLICY_CHANGED,
            target="MCP policy",
            before={name: before[name] for name in sorted(changed)},
            after={name: after[name] for name in sorted(changed)},
        )
    return policy


def _fields(policy: PolicySnapshot) -> dict[str, object]:
    """The policy's fields, as the audit trail compares them (its revision is not a setting)."""
    return {name: value for name, value in policy_fields(policy).items() if name != "revision"}


def _stop_keys_at(*, workspace: Workspace, days: int) -> None:
    """Existing keys stop `days` after they were created, if they would have lived longer."""
    cap = timedelta(days=days)
    McpKey.objects.filter(workspace=workspace).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=F("created_at") + cap)
    ).update(expires_at=F("created_at") + cap)


def policy_columns(changes: object) -> dict[str, Any]:
    """The model's columns for `changes`, each field checked."""
    if not isinstance(changes, Mapping):
        raise InvalidPolicy("non_field_errors", f"Send an object with any of: {', '.join(FIELDS)}.")
    if unknown := sorted(set(changes) - set(FIELDS)):
        raise InvalidPolicy(unknown[0], f"The policy has no field {unknown[0]!r}; its fields are: {', '.join(FIELDS)}.")
    columns: dict[str, Any] = {}
    if "enabled" in changes:
        columns["enabled"] = _boolean("enabled", changes["enabled"])
    if "credentials" in changes:
        kinds = _strings("credentials", changes["credentials"])
        if not kinds or any(kind not in CREDENTIAL_KINDS for kind in kinds):
            raise InvalidPolicy(
                "credentials",
                'credentials takes a list of "keys", "oauth" or both; '
                "to refuse every credential, set enabled to false.",
            )
        columns["accept_keys"], columns["accept_oauth"] = "keys" in kinds, "oauth" in kinds
    if "oauth_apps" in changes:
        columns["oauth_apps"] = [_app_entry(entry) for entry in _strings("oauth_apps", changes["oauth_apps"])]
    if "max_key_lifetime_days" in changes:
        days = changes["max_key_lifetime_days"]
        if days is not None and (
            isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_KEY_LIFETIME_DAYS
        ):
            raise InvalidPolicy(
                "max_key_lifetime_days",
                f"max_key_lifetime_days takes a whole number of days from 1 to {MAX_KEY_LIFETIME_DAYS}, "
                "or null for no cap.",
            )
        columns["max_key_lifetime_days"] = days
    if "tools" in changes:
        if changes["tools"] is None:
            columns["tools"] = None
        else:
            names = _strings("tools", changes["tools"])
            if unknown_tools := [name for name in names if name not in ALL_TOOLS]:
                raise InvalidPolicy(
                    "tools",
                    f"There is no tool {unknown_tools[0]!r}; tools takes a list of: {', '.join(ALL_TOOLS)} "
                    "(or null for all of them).",
                )
            columns["tools"] = [name for name in ALL_TOOLS if name in names]
    if "key_networks" in changes:
        columns["key_networks"] = [_network(block) for block in _strings("key_networks", changes["key_networks"])]
    return columns


def _boolean(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidPolicy(field, f"{field} takes true or false.")
    return value


def _strings(field: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidPolicy(field, f"{field} takes a list of strings.")
    if len(value) > MAX_LIST_ENTRIES:
        raise InvalidPolicy(field, f"{field} takes at most {MAX_LIST_ENTRIES} entries.")
    return list(dict.fromkeys(item.strip() for item in value))


def _app_entry(entry: str) -> str:
    """An app as the list names it: its client ID metadata document URL (https), or a redirect host."""
    if entry.startswith("https://"):
        parts = urlsplit(entry)
        if parts.hostname and len(entry) <= 2000:
            return entry
    elif HOST.match(entry.lower()):
        return entry.lower()
    raise InvalidPolicy(
        "oauth_apps",
        f"{entry[:100]!r} is neither an https:// client ID metadata document URL nor a redirect host "
        "such as claude.ai.",
    )


def _network(block: str) -> str:
    try:
        return str(ipaddress.ip_network(block, strict=False))
    except ValueError:
        raise InvalidPolicy(
            "key_networks", f"{block[:100]!r} is not a network; key_networks takes CIDR blocks such as 203.0.113.0/24."
        ) from None
