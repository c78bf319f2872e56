"""Accounts: single-user mode until the first administrator, signing in with argon2id,
the lock-out delay, rehashing, and who may do what (worked out from the issue's rules)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from placement_desk.db import Database
from placement_desk.errors import PermissionRefused, SignInError, ValidationError
from placement_desk.models import AuditEvent, User
from placement_desk.models.enums import CommissioningRoute, RelationshipTier, UserRole
from placement_desk.services.common.council_settings import (
    load_council_settings,
    save_council_settings,
)
from placement_desk.services.contracts.reviews import sign_off_review
from placement_desk.services.contracts.tiers import set_tier
from placement_desk.services.placements.spot import approve_spot_purchase, spot_approval
from placement_desk.services.users import accounts
from placement_desk.services.users.accounts import (
    add_account,
    create_first_administrator,
    delay_after,
    list_accounts,
    set_password,
    sign_in,
    update_account,
)
from placement_desk.services.users.roles import Permission, accounts_on, refusal, require

PASSWORD = "correct horse battery"
NOW = dt.datetime(2026, 3, 2, 9, 0)


def _admin(db: Database) -> None:
    create_first_administrator(db, "alex.admin", "Alex Admin", PASSWORD)


def _as(db: Database, username: str, role: UserRole) -> None:
    add_account(db, username, username.title(), role, PASSWORD)
    sign_in(db, username, PASSWORD, now=NOW)


def test_a_database_without_accounts_lets_whoever_opens_it_do_everything(db: Database) -> None:
    assert not accounts_on(db)
    assert db.role is None
    for permission in Permission:
        require(db, permission)  # single-user mode: nothing refused
    assert db.user == "test.user"


def test_the_first_administrator_turns_accounts_on_and_signs_in(db: Database) -> None:
    made = create_first_administrator(db, "alex.admin", "Alex Admin", PASSWORD)
    assert accounts_on(db)
    assert made.role == UserRole.ADMIN
    assert (db.user, db.role) == ("alex.admin", "admin")
    with db.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "alex.admin"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    with pytest.raises(ValidationError, match="already has an administrator"):
        create_first_administrator(db, "second", "Second", PASSWORD)


def test_a_handle_nobody_signed_in_on_is_refused_once_accounts_are_on(
        db: Database, tmp_path: object) -> None:
    _admin(db)
    db.act_as("someone", None)
    with pytest.raises(PermissionRefused, match="Sign in first"):
        require(db, Permission.EDIT_PLACEMENTS)


def test_the_audit_trail_records_the_signed_in_user(db: Database) -> None:
    _admin(db)
    _as(db, "pat.placements", UserRole.PLACEMENT_OFFICER)
    settings = load_council_settings(db)
    with pytest.raises(PermissionRefused):
        save_council_settings(db, settings)  # a placement officer may not
    sign_in(db, "alex.admin", PASSWORD, now=NOW)
    save_council_settings(db, dataclasses.replace(settings, council_name="Sutton"))
    with db.read() as s:
        users = s.scalars(select(AuditEvent.user).where(AuditEvent.entity == "app_setting"))
        assert set(users) == {"alex.admin"}


def test_the_password_hash_is_never_copied_into_the_audit_trail(db: Database) -> None:
    _admin(db)
    with db.read() as s:
        for before, after in s.execute(select(AuditEvent.before, AuditEvent.after)
                                       .where(AuditEvent.entity == "user")):
            assert "password_hash" not in (before or {}) and "password_hash" not in (after or {})


def test_a_wrong_password_or_unknown_name_says_the_same(db: Database) -> None:
    _admin(db)
    with pytest.raises(SignInError) as wrong:
        sign_in(db, "alex.admin", "not the password", now=NOW)
    with pytest.raises(SignInError) as unknown:
        sign_in(db, "nobody", "not the password", now=NOW)
    assert str(wrong.value) == str(unknown.value)


def test_repeated_failures_make_the_account_wait_longer_each_time(db: Database) -> None:
    _admin(db)
    # Five free tries, then 30 s, 60 s, 120 s ... at most 15 minutes.
    assert [delay_after(n).total_seconds() for n in (4, 5, 6, 7, 12)] == [0, 30, 60, 120, 900]
    for _ in range(4):
        with pytest.raises(SignInError, match="wrong"):
            sign_in(db, "alex.admin", "wrong password", now=NOW)
    with pytest.raises(SignInError, match="waits 30 seconds"):
        sign_in(db, "alex.admin", "wrong password", now=NOW)
    # Even the right password waits until the delay is over, without being checked.
    with pytest.raises(SignInError, match="try again in 20 seconds"):
        sign_in(db, "alex.admin", PASSWORD, now=NOW + dt.timedelta(seconds=10))
    signed = sign_in(db, "alex.admin", PASSWORD, now=NOW + dt.timedelta(seconds=31))
    assert signed.username == "alex.admin"
    with db.read() as s:
        user = s.scalar(select(User).where(User.username == "alex.admin"))
        assert user is not None and user.failed_sign_ins == 0 and user.locked_until is None


def test_a_hash_made_with_older_parameters_is_replaced_at_sign_in(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _admin(db)
    with db.read() as s:
        old = s.scalar(select(User.password_hash).where(User.username == "alex.admin"))
    assert old is not None and "m=64,t=1" in old
    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=2, memory_cost=128,
                                                           parallelism=1))
    sign_in(db, "alex.admin", PASSWORD, now=NOW)
    with db.read() as s:
        new = s.scalar(select(User.password_hash).where(User.username == "alex.admin"))
    assert new is not None and "m=128,t=2" in new
    sign_in(db, "alex.admin", PASSWORD, now=NOW)  # the new hash still verifies


@pytest.mark.parametrize(("role", "allowed"), [
    (UserRole.VIEWER, set()),
    (UserRole.QA_OFFICER, {Permission.EDIT_REGISTER, Permission.EDIT_QA,
                           Permission.EDIT_AGREEMENTS}),
    (UserRole.MANAGER, set(Permission) - {Permission.MANAGE_USERS,
                                          Permission.ADMINISTER_DATABASE}),
])
def test_what_each_role_may_do(db: Database, role: UserRole, allowed: set[Permission]) -> None:
    _admin(db)
    _as(db, "someone", role)
    assert {p for p in Permission if refusal(db, p) is None} == allowed


def test_only_managers_sign_off_approve_spot_purchases_and_change_tiers(db: Database) -> None:
    _admin(db)
    _as(db, "quinn.qa", UserRole.QA_OFFICER)
    with pytest.raises(PermissionRefused, match="QA officer may not sign off contract "
                                                "reviews; ask a commissioning manager"):
        sign_off_review(db, uuid.uuid4(), dt.date(2026, 3, 2))
    with pytest.raises(PermissionRefused, match="approve spot purchases"):
        approve_spot_purchase(db, uuid.uuid4())
    with pytest.raises(PermissionRefused, match="relationship tiers"):
        set_tier(db, uuid.uuid4(), RelationshipTier.KEY_PARTNER, "why", dt.date(2026, 3, 2))
    sign_in(db, "alex.admin", PASSWORD, now=NOW)  # an administrator may not either
    with pytest.raises(PermissionRefused, match="An administrator may not sign off"):
        sign_off_review(db, uuid.uuid4(), dt.date(2026, 3, 2))
    _as(db, "morgan.manager", UserRole.MANAGER)
    with pytest.raises(ValidationError):  # allowed: it gets as far as the review's rules
        sign_off_review(db, uuid.uuid4(), dt.date(2026, 3, 2))


def test_a_manager_approves_a_spot_purchase_once(db: Database) -> None:
    from tests.services.contracts.builders import placement, provider

    _pid, home = provider(db, "Acorn Care")
    episode = placement(db, home, "C1", dt.date(2026, 1, 5), None, CommissioningRoute.SPOT)
    block = placement(db, home, "C2", dt.date(2026, 1, 5), None, CommissioningRoute.BLOCK)
    _admin(db)
    _as(db, "morgan.manager", UserRole.MANAGER)
    approve_spot_purchase(db, episode, now=NOW)
    approve_spot_purchase(db, episode, now=NOW + dt.timedelta(days=1))
    assert spot_approval(db, episode) == ("morgan.manager", NOW)
    with pytest.raises(ValidationError, match="Only a spot purchase"):
        approve_spot_purchase(db, block)


def test_viewers_change_nothing(db: Database) -> None:
    _admin(db)
    _as(db, "val.viewer", UserRole.VIEWER)
    settings = load_council_settings(db)
    with pytest.raises(PermissionRefused, match="viewer may not"):
        save_council_settings(db, settings)


def test_the_last_administrator_cannot_be_demoted_and_others_can(db: Database) -> None:
    _admin(db)
    admin_id = next(a.id for a in list_accounts(db) if a.username == "alex.admin")
    with pytest.raises(ValidationError, match="last administrator"):
        update_account(db, admin_id, role=UserRole.VIEWER)
    with pytest.raises(ValidationError, match="last administrator"):
        update_account(db, admin_id, active=False)
    other = add_account(db, "sam.second", "Sam Second", UserRole.ADMIN, PASSWORD)
    update_account(db, admin_id, role=UserRole.MANAGER)
    set_password(db, other, "another long password")
    with pytest.raises(SignInError):
        sign_in(db, "sam.second", PASSWORD, now=NOW)
    sign_in(db, "sam.second", "another long password", now=NOW)


def test_a_listed_member_of_staff_can_be_given_an_account(db: Database) -> None:
    with db.write() as s:
        s.add(User(username="quinn", display_name="Quinn QA", role=UserRole.QA_OFFICER))
    _admin(db)
    with pytest.raises(SignInError):  # no password yet: no account
        sign_in(db, "quinn", "", now=NOW)
    add_account(db, "quinn", "Quinn QA", UserRole.QA_OFFICER, PASSWORD)
    assert sign_in(db, "Quinn", PASSWORD, now=NOW).role == UserRole.QA_OFFICER
    with pytest.raises(PermissionRefused, match="QA officer may not manage user accounts"):
        add_account(db, "another", "Another", UserRole.VIEWER, PASSWORD)
    sign_in(db, "alex.admin", PASSWORD, now=NOW)
    with pytest.raises(ValidationError, match="already an account"):
        add_account(db, "quinn", "Quinn QA", UserRole.QA_OFFICER, PASSWORD)


def test_short_passwords_are_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="at least 10"):
        create_first_administrator(db, "alex.admin", "Alex", "short")
    assert not accounts_on(db)


def test_accounts_cannot_be_added_before_the_first_administrator(db: Database) -> None:
    with pytest.raises(ValidationError, match="no administrator yet"):
        add_account(db, "pat", "Pat", UserRole.PLACEMENT_OFFICER, PASSWORD)
    assert not accounts_on(db)
