"""Roles and what each may do: the one place the permission model is declared.

Permissions are data (:data:`ROLE_PERMISSIONS`), read by the services, which refuse
with :class:`~placement_desk.errors.PermissionRefused` (:func:`require`), by the GUI,
which disables what a role cannot do and says why (:func:`refusal`), and later by a
team server that mirrors them as database roles.

**Single-user mode.** A database with no administrator account yet (every database
made before accounts existed, a new one, and the tests') needs no sign-in: whoever
opens it may do everything, and the audit trail records their operating-system
account, as before. Creating the first administrator
(:func:`~placement_desk.services.users.accounts.create_first_administrator`) turns
accounts on: from then on every way in (the GUI, the command line) signs in, and a
handle nobody has signed in on is refused every change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Connection, String, column, exists, select, table

from ...db import Database
from ...errors import PermissionRefused
from ...models.enums import UserRole

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class Permission(StrEnum):
    """Something a role may do; its text is the phrase "… may not <text>"."""

    EDIT_REGISTER = "change providers and settings"
    EDIT_PLACEMENTS = "change children and their placements"
    EDIT_AGREEMENTS = "change placement agreements"
    CHANGE_FEES = "change fees"
    EDIT_QA = "record QA visits, templates and actions"
    EDIT_CONTRACTS = "change contracts and contract reviews"
    SIGN_OFF_REVIEWS = "sign off contract reviews"
    APPROVE_SPOT_PURCHASES = "approve spot purchases"
    CHANGE_TIERS = "change providers' relationship tiers"
    CHANGE_SETTINGS = "change the council's settings"
    IMPORT_DATA = "import files"
    MANAGE_USERS = "manage user accounts"
    ADMINISTER_DATABASE = "restore or encrypt the database"


_EVERYDAY = frozenset({Permission.EDIT_REGISTER, Permission.EDIT_PLACEMENTS,
                       Permission.EDIT_AGREEMENTS, Permission.CHANGE_FEES,
                       Permission.EDIT_QA, Permission.EDIT_CONTRACTS,
                       Permission.IMPORT_DATA})

ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.VIEWER: frozenset(),
    UserRole.PLACEMENT_OFFICER: frozenset({
        Permission.EDIT_REGISTER, Permission.EDIT_PLACEMENTS, Permission.EDIT_AGREEMENTS,
        Permission.CHANGE_FEES, Permission.EDIT_CONTRACTS, Permission.IMPORT_DATA}),
    UserRole.QA_OFFICER: frozenset({
        Permission.EDIT_REGISTER, Permission.EDIT_QA, Permission.EDIT_AGREEMENTS}),
    UserRole.MANAGER: _EVERYDAY | {
        Permission.SIGN_OFF_REVIEWS, Permission.APPROVE_SPOT_PURCHASES,
        Permission.CHANGE_TIERS, Permission.CHANGE_SETTINGS},
    UserRole.ADMIN: _EVERYDAY | {
        Permission.CHANGE_SETTINGS, Permission.MANAGE_USERS,
        Permission.ADMINISTER_DATABASE},
}
"""What each role may do. A viewer changes nothing; only a manager signs off contract
reviews, approves spot purchases and changes relationship tiers; a QA officer cannot
change fees; only an administrator manages accounts and restores or encrypts."""


def roles_allowed(permission: Permission) -> list[UserRole]:
    return [role for role in UserRole if permission in ROLE_PERMISSIONS[role]]


def _phrase(role: UserRole) -> str:
    """The role's label inside a sentence: "QA officer", "commissioning manager"."""
    label = role.label
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


_USERS = table("user", column("role", String), column("active", Boolean),
               column("password_hash", String))
"""The accounts' table as the window asks it before its first paint (whether accounts
are on), without the data model."""


def accounts_enabled(session: Session | Connection) -> bool:
    """Whether accounts are on: an active administrator with a password exists."""
    return bool(session.scalar(select(exists().where(
        _USERS.c.role == UserRole.ADMIN.value, _USERS.c.active.is_(True),
        _USERS.c.password_hash.is_not(None)))))


def _refusal(role: str | None, accounts: bool, permission: Permission) -> str | None:
    if role is None:
        if not accounts:
            return None  # single-user mode
        return (f"Nobody has signed in, so Placement Desk may not {permission.value}. "
                "Sign in first (on the command line, with --user).")
    try:
        member = UserRole(role)
    except ValueError:
        member = UserRole.VIEWER
    if permission in ROLE_PERMISSIONS[member]:
        return None
    allowed = " or ".join(_phrase(r) for r in roles_allowed(permission))
    who = _phrase(member)
    return (f"{'An' if who[0] in 'aeiouAEIO' else 'A'} {who} may not {permission.value}"
            f"{f'; ask a {allowed}' if allowed else ''}. Nothing was changed.")


def accounts_on(db: Database) -> bool:
    """Whether this database has accounts; if not, it is in single-user mode."""
    with db.connect() as conn:
        return accounts_enabled(conn)


def check(session: Session, *permissions: Permission) -> None:
    """:func:`require` inside a unit of work (the session carries who is acting)."""
    role = session.info.get("role")
    accounts = role is None and accounts_enabled(session)
    for permission in permissions:
        reason = _refusal(role, accounts, permission)
        if reason:
            raise PermissionRefused(reason)


def require(db: Database, *permissions: Permission) -> None:
    """Refuse, saying why and who may, unless the acting user may do all of these.

    Every use case that writes calls this first."""
    reason = refusal(db, *permissions)
    if reason:
        raise PermissionRefused(reason)


def refusal(db: Database, *permissions: Permission) -> str | None:
    """Why the acting user may not do these, or None if they may (for the GUI)."""
    role = db.role
    accounts = False
    if role is None:
        with db.connect() as conn:
            accounts = accounts_enabled(conn)
    for permission in permissions:
        reason = _refusal(role, accounts, permission)
        if reason:
            return reason
    return None


def may(db: Database, *permissions: Permission) -> bool:
    return refusal(db, *permissions) is None
