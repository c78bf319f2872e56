"""Every write to a core record adds an audit event: who, when, what, before and after."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from placement_desk.lifecycle import Database
from placement_desk.models import AuditEvent, Provider, Setting, utcnow
from placement_desk.models.enums import AuditAction, RegistrationStatus, SettingType


@pytest.fixture
def db_user() -> str:
    return "asha.patel"


def _events(db: Database) -> list[AuditEvent]:
    with db.sessions() as s:
        return list(s.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))


def test_create_update_and_soft_delete_are_audited(db: Database) -> None:
    with db.sessions.begin() as s:
        provider = Provider(name="Bright Futures Ltd")
        s.add(provider)
    with db.sessions.begin() as s:
        p = s.get(Provider, provider.id)
        assert p is not None
        p.name = "Bright Futures Care Ltd"
    with db.sessions.begin() as s:
        p = s.get(Provider, provider.id)
        assert p is not None
        p.deleted_at = utcnow()

    created, changed, deleted = _events(db)
    assert (created.action, created.entity, created.entity_id, created.user) == (
        AuditAction.CREATE, "provider", provider.id, "asha.patel")
    assert created.before is None and created.after is not None
    assert created.after["name"] == "Bright Futures Ltd"
    assert changed.action == AuditAction.UPDATE
    assert changed.before == {"name": "Bright Futures Ltd"}
    assert changed.after == {"name": "Bright Futures Care Ltd"}
    assert deleted.action == AuditAction.DELETE
    assert deleted.before == {"deleted_at": None}


def test_a_save_without_changes_adds_no_event(db: Database) -> None:
    with db.sessions.begin() as s:
        provider = Provider(name="Same")
        s.add(provider)
    with db.sessions.begin() as s:
        p = s.get(Provider, provider.id)
        assert p is not None
        p.name = "Same"
    assert len(_events(db)) == 1


def test_enum_and_date_values_are_recorded_as_plain_text(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(Setting(name="Oak House", urn="SC123456", setting_type=SettingType.CHILDRENS_HOME,
                      registration_date=__import__("datetime").date(2019, 4, 1)))
    (event,) = _events(db)
    assert event.after is not None
    assert event.after["setting_type"] == "childrens_home"
    assert event.after["registration_date"] == "2019-04-01"


def test_a_rolled_back_change_leaves_no_audit_event(db: Database) -> None:
    with pytest.raises(RuntimeError), db.sessions.begin() as s:
        s.add(Provider(name="Never saved"))
        s.flush()
        raise RuntimeError("user cancelled")
    assert _events(db) == []


def test_version_counter_rises_and_stale_writes_are_refused(db: Database) -> None:
    with db.sessions.begin() as s:
        provider = Provider(name="A")
        s.add(provider)
    assert provider.version == 1
    stale = db.sessions()
    mine = stale.get(Provider, provider.id)  # loaded for a form in one action...
    assert mine is not None
    stale.commit()  # ...whose read transaction ends (attributes stay loaded)
    with db.sessions.begin() as s:
        other = s.get(Provider, provider.id)
        assert other is not None
        other.name = "B"
    assert other.version == 2
    mine.name = "C"
    with pytest.raises(StaleDataError):
        stale.commit()
    stale.close()


def test_shared_settings_are_audited_with_who_and_what(db: Database) -> None:
    from placement_desk.audit import setting_entity_id
    from placement_desk.services.common.settings_store import set_setting

    with db.sessions.begin() as s:
        set_setting(s, "council.name", "London Borough of Sutton")
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "London Borough of Sutton")  # unchanged: no event
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "Sutton Council")

    created, changed = [e for e in _events(db) if e.entity == "app_setting"]
    assert (created.action, created.entity_id, created.user) == (
        AuditAction.CREATE, setting_entity_id("council.name"), "asha.patel")
    assert created.after == {"key": "council.name", "value": "London Borough of Sutton"}
    assert changed.action == AuditAction.UPDATE
    assert changed.before == {"key": "council.name", "value": "London Borough of Sutton"}
    assert changed.after == {"key": "council.name", "value": "Sutton Council"}


def test_bulk_audit_rows_say_what_the_hook_says_for_the_same_writes(db: Database) -> None:
    import datetime as dt

    from placement_desk.audit import bulk_created, bulk_updated

    with db.sessions.begin() as s:
        # Every value given: the hook sees an object before the column defaults apply.
        oak = Setting(name="Oak House", urn="SC123456", setting_type=SettingType.CHILDRENS_HOME,
                      registration_date=dt.date(2019, 4, 1), places=4,
                      registration_status=RegistrationStatus.ACTIVE,
                      enhanced_monitoring=False)
        s.add(oak)
    with db.sessions.begin() as s:
        found = s.get(Setting, oak.id)
        assert found is not None
        found.places = 5
        found.registration_date = dt.date(2020, 1, 2)
    by_hook_created, by_hook_updated = _events(db)

    with db.sessions() as s:
        stored = s.execute(sa.select(Setting.__table__)).mappings().one()
    row = dict(stored)
    row.update(places=4, registration_date=dt.date(2019, 4, 1), created_at=utcnow(),
               updated_at=utcnow(), version=1)  # as the bulk insert had it
    (created,) = bulk_created("setting", [row], user="asha.patel", at=by_hook_created.at)
    assert created["action"] == AuditAction.CREATE and created["entity_id"] == oak.id
    assert created["before"] is None
    assert created["after"] == by_hook_created.after
    assert "version" not in created["after"], "bookkeeping columns are left out"

    (updated,) = bulk_updated(
        "setting", [(oak.id, {"places": 4, "registration_date": dt.date(2019, 4, 1),
                              "name": "Oak House"},
                     {"places": 5, "registration_date": dt.date(2020, 1, 2),
                      "name": "Oak House"})],
        user="asha.patel", at=by_hook_updated.at)
    assert updated["action"] == AuditAction.UPDATE and updated["entity"] == "setting"
    assert updated["before"] == by_hook_updated.before == {
        "places": 4, "registration_date": "2019-04-01"}
    assert updated["after"] == by_hook_updated.after
