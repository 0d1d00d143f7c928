"""Writes of memberships, as owners and admins make them in the app: add a person who has an account, change a
role, remove someone. A workspace always keeps an owner; only an owner makes or unmakes owners. Each change is
in the audit trail. Removing someone ends their OAuth tokens on their next request (a token's liveness asks
whether its person still belongs)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from workspaces.audit import audit_event_record
from workspaces.models import AuditEvent, Membership, Workspace
from workspaces.selectors import user_get_by_email


class MembershipProblem(Exception):
    """A change to the members that cannot be made; the message says why and what to do."""


def member_add(*, workspace: Workspace, email: str, role: str, by: Membership) -> Membership:
    """Add the person with this email, who has an account, with `role`."""
    _check_role(role, by=by)
    person = user_get_by_email(email=email)
    if person is None:
        raise MembershipProblem(
            f"No one has an Alloy account with the email {email.strip()[:254]!r}; they need one before they "
            "can be added."
        )
    try:
        with transaction.atomic():
            added = Membership.objects.create(workspace=workspace, user=person, role=role)
            _audit(added, by, AuditEvent.Action.MEMBER_ADDED, before=None, after={"role": role})
    except IntegrityError:
        raise MembershipProblem(f"{person.email} is already a member of {workspace.slug}.") from None
    return added


def member_role_change(*, membership: Membership, role: str, by: Membership) -> Membership:
    """Give a member another role; the last owner stays an owner."""
    _check_role(role, by=by)
    if Membership.Role.OWNER in (membership.role, role) and by.role != Membership.Role.OWNER:
        raise MembershipProblem("Only an owner can make someone an owner, or change an owner's role.")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == role:
            return locked
        if locked.role == Membership.Role.OWNER:
            _keep_an_owner(locked, "change the role of")
        before = locked.role
        locked.role = role
        locked.save(update_fields=["role"])
        _audit(locked, by, AuditEvent.Action.MEMBER_ROLE_CHANGED, before={"role": before}, after={"role": role})
    return locked


def member_remove(*, membership: Membership, by: Membership) -> None:
    """Remove a member; the last owner stays."""
    if membership.role == Membership.Role.OWNER and by.role != Membership.Role.OWNER:
        raise MembershipProblem("Only an owner can remove an owner.")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == Membership.Role.OWNER:
            _keep_an_owner(locked, "remove")
        _audit(locked, by, AuditEvent.Action.MEMBER_REMOVED, before={"role": locked.role}, after=None)
        locked.delete()


def _check_role(role: str, *, by: Membership) -> None:
    if role not in Membership.Role.values:
        raise MembershipProblem(f"A role is one of: {', '.join(Membership.Role.values)}; not {role[:20]!r}.")
    if role == Membership.Role.OWNER and by.role != Membership.Role.OWNER:
        raise MembershipProblem("Only an owner can make someone an owner.")


def _keep_an_owner(owner: Membership, doing: str) -> None:
    """Refuse to leave the workspace without an owner (the other owners locked, so two owners demoting each
    other at once cannot both succeed)."""
    others = Membership.objects.select_for_update().filter(workspace_id=owner.workspace_id, role=Membership.Role.OWNER)
    if not others.exclude(pk=owner.pk).exists():
        raise MembershipProblem(
            f"{owner.user.email} is the last owner of {owner.workspace.slug}; make someone else an owner first, "
            f"then {doing} them."
        )


def _audit(membership: Membership, by: Membership, action: AuditEvent.Action, *, before: object, after: object) -> None:
    audit_event_record(
        workspace=membership.workspace,
        by=by.user,
        action=action,
        target=membership.user.email,
        before=before,
        after=after,
    )
