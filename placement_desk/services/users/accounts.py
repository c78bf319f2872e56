"""Accounts: signing in, the first administrator, and administrators managing users.

Passwords are kept only as argon2id hashes (argon2-cffi, its recommended
parameters); a hash made with other parameters is replaced at the next successful
sign-in. After :data:`FREE_ATTEMPTS` wrong passwords in a row an account waits
before the next try, :data:`FIRST_DELAY` at first and twice as long after each
further failure (at most :data:`MAX_DELAY`); a right password resets the count.
Refusals never say whether the name exists. Signing in makes the database handle
act as the account (:meth:`~placement_desk.db.Database.act_as`), so the audit
trail records it and the services check its role (:mod:`.roles`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import SignInError, ValidationError
from ...models import User, utcnow
from ...models.enums import UserRole
from .roles import Permission, accounts_enabled, require

hasher = PasswordHasher()
"""The parameters every new hash uses; tests swap in a cheaper one."""
FREE_ATTEMPTS = 5
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(minutes=15)
MIN_PASSWORD = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")
WRONG_BASE = "The user name or password is wrong."
WRONG = f"{WRONG_BASE} Nothing was changed."


@dataclass(frozen=True, slots=True)
class SignedIn:
    user_id: uuid.UUID
    username: str
    display_name: str
    role: UserRole


@dataclass(frozen=True, slots=True)
class Account:
    id: uuid.UUID
    username: str
    display_name: str
    role: UserRole
    email: str | None
    active: bool
    has_password: bool
    last_sign_in_at: dt.datetime | None
    locked_until: dt.datetime | None


def hash_password(password: str) -> str:
    hashed: str = hasher.hash(password)
    return hashed


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(field, f"A password needs at least {MIN_PASSWORD} characters.")
    if password.strip() != password:
        raise ValidationError(field, "A password may not start or end with a space.")


def _check_username(username: str) -> str:
    name = username.strip()
    if not _NAME.match(name):
        raise ValidationError("username", "A user name is 2 to 100 letters, digits, dots, "
                                          "hyphens, underscores or @, starting with a "
                                          "letter or digit.")
    return name


def _by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(
        func.lower(User.username) == username.strip().lower()))


def delay_after(failures: int) -> dt.timedelta:
    """How long an account waits after ``failures`` wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return dt.timedelta(0)
    delay: dt.timedelta = FIRST_DELAY * 2 ** (failures - FREE_ATTEMPTS)
    return min(delay, MAX_DELAY)


def _wait_text(wait: dt.timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


def sign_in(db: Database, username: str, password: str,
            now: dt.datetime | None = None) -> SignedIn:
    """Check the name and password; on success the handle acts as the account.

    A wrong password counts towards the lock-out delay (that count is committed even
    though the sign-in is refused); a locked account is refused without checking the
    password. Raises SignInError. On a database opened for reading only nothing is
    stored (neither the count nor a new hash)."""
    now = now or utcnow()
    outcome: SignedIn | None = None
    refusal = WRONG
    # On a database opened for reading only (an export), the password is checked but
    # nothing about the sign-in can be stored.
    with (db.read() if db.read_only else db.write()) as session:
        user = _by_name(session, username)
        if user is None or not user.password_hash or not user.active:
            hasher.hash("x" * MIN_PASSWORD)  # the same time whether or not the name exists
            raise SignInError(WRONG)
        if user.locked_until is not None and user.locked_until > now:
            raise SignInError("Too many wrong passwords for this account: try again in "
                              f"{_wait_text(user.locked_until - now)}. Nothing was changed.")
        try:
            hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
            wait = delay_after(user.failed_sign_ins)
            user.locked_until = now + wait if wait else None
            if wait:
                refusal = (f"{WRONG_BASE} This account now waits "
                           f"{_wait_text(wait)} before the next try.")
        else:
            if hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hasher.hash(password)
            user.failed_sign_ins = 0
            user.locked_until = None
            user.last_sign_in_at = now
            outcome = SignedIn(user.id, user.username, user.display_name, user.role)
    if outcome is None:
        raise SignInError(refusal)
    db.act_as(outcome.username, outcome.role.value)
    return outcome


def create_first_administrator(db: Database, username: str, display_name: str,
                               password: str) -> SignedIn:
    """The first run's step: make the first administrator, turning accounts on, and
    act as them. Refused once accounts are on (an administrator adds the others).

    A staff record of the same name (a QA officer listed without an account) becomes
    the administrator's account."""
    name = _check_username(username)
    shown = display_name.strip() or name
    check_password_rules(password)
    with db.write() as session:
        if accounts_enabled(session):
            raise ValidationError("username", "This database already has an administrator; "
                                              "sign in as them to add accounts.")
        user = _by_name(session, name)
        if user is None:
            user = User(username=name, display_name=shown, role=UserRole.ADMIN)
            session.add(user)
        user.display_name = shown
        user.role = UserRole.ADMIN
        user.active = True
        user.password_hash = hasher.hash(password)
        user.failed_sign_ins = 0
        user.locked_until = None
        session.flush()
        made = SignedIn(user.id, user.username, user.display_name, UserRole.ADMIN)
    db.act_as(made.username, made.role.value)
    return made


def list_accounts(db: Database) -> list[Account]:
    """Every staff record and account, by name."""
    with db.read() as session:
        users = session.scalars(select(User).order_by(func.lower(User.display_name)))
        return [Account(u.id, u.username, u.display_name, u.role, u.email, u.active,
                        bool(u.password_hash), u.last_sign_in_at, u.locked_until)
                for u in users]


def add_account(db: Database, username: str, display_name: str, role: UserRole,
                password: str, email: str | None = None) -> uuid.UUID:
    """An administrator adds an account (or gives a listed member of staff one)."""
    require(db, Permission.MANAGE_USERS)
    name = _check_username(username)
    shown = display_name.strip()
    if not shown:
        raise ValidationError("display_name", "Give the person's name.")
    check_password_rules(password)
    with db.write() as session:
        if not accounts_enabled(session):
            raise ValidationError("username", "This database has no administrator yet: create "
                                              "the first administrator, then add accounts.")
        user = _by_name(session, name)
        if user is not None and user.password_hash:
            raise ValidationError("username", "There is already an account with this "
                                              "user name.")
        if user is None:
            user = User(username=name, display_name=shown, role=role)
            session.add(user)
        user.display_name, user.role, user.active = shown, role, True
        user.email = (email or "").strip() or user.email
        user.password_hash = hasher.hash(password)
        user.failed_sign_ins, user.locked_until = 0, None
        session.flush()
        return user.id


def _keep_an_administrator(session: Session, user: User) -> None:
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == UserRole.ADMIN, User.active.is_(True), User.password_hash.is_not(None),
        User.id != user.id))
    if not others:
        raise ValidationError("role", "This is the last administrator's account: make "
                                      "another administrator first.")


def update_account(db: Database, user_id: uuid.UUID, *, role: UserRole | None = None,
                   active: bool | None = None, display_name: str | None = None) -> None:
    """An administrator changes an account's role, name or whether it may sign in.
    The last administrator cannot be demoted or switched off."""
    require(db, Permission.MANAGE_USERS)
    with db.write() as session:
        user = session.get(User, user_id)
        if user is None:
            raise ValidationError("username", "That account no longer exists.")
        losing = ((role is not None and role != UserRole.ADMIN) or active is False)
        if user.role == UserRole.ADMIN and user.password_hash and losing:
            _keep_an_administrator(session, user)
        if role is not None:
            user.role = role
        if active is not None:
            user.active = active
        if display_name is not None and display_name.strip():
            user.display_name = display_name.strip()


def set_password(db: Database, user_id: uuid.UUID, password: str) -> None:
    """An administrator sets a new password (and so lifts any lock-out)."""
    require(db, Permission.MANAGE_USERS)
    check_password_rules(password)
    with db.write() as session:
        user = session.get(User, user_id)
        if user is None:
            raise ValidationError("username", "That account no longer exists.")
        user.password_hash = hasher.hash(password)
        user.failed_sign_ins, user.locked_until = 0, None


def change_own_password(db: Database, username: str, old: str, new: str) -> None:
    """Anyone signed in changes their own password, giving the old one."""
    check_password_rules(new, "new_password")
    sign_in(db, username, old)
    with db.write() as session:
        user = _by_name(session, username)
        assert user is not None
        user.password_hash = hasher.hash(new)
