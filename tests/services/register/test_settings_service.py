"""Setting forms: validation beside the field, saving with audit, detail, documents."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import OfstedInspection, Provider, ProviderDocument
from placement_desk.models.enums import (
    DocumentKind,
    InspectionEventType,
    Judgement,
    SettingType,
)
from placement_desk.services.register.documents import Expiry, expiry_status
from placement_desk.services.register.settings import (
    SettingForm,
    load_form,
    normalise_postcode,
    save_setting,
    setting_detail,
)

TODAY = dt.date(2026, 3, 7)


@pytest.fixture
def db_user() -> str:
    return "sam.officer"


def _form(**kw: object) -> SettingForm:
    values: dict[str, object] = {"name": "Oak House", "urn": "sc469688",
                                 "postcode": "sm1 1aa"}
    values.update(kw)
    return SettingForm(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"name": "  "}, "name", "Enter the setting's name"),
    ({"urn": ""}, "urn", "Enter the Ofsted URN"),
    ({"urn": "SC12"}, "urn", "is not an Ofsted URN"),
    ({"postcode": "NOT A CODE"}, "postcode", "is not a UK postcode"),
    ({"places": -1}, "places", "cannot be negative"),
    ({"registration_date": dt.date(2999, 1, 1)}, "registration_date", "in the future"),
    ({"registration_date": dt.date(2020, 1, 1), "closed_date": dt.date(2019, 1, 1)},
     "closed_date", "before the registration date"),
])
def test_each_rule_names_its_field(db: Database, changes: dict[str, object], field: str,
                                   words: str) -> None:
    with pytest.raises(ValidationError, match=words) as caught:
        save_setting(db, _form(**changes))
    assert caught.value.field == field


def test_unregulated_provision_needs_no_urn(db: Database) -> None:
    sid = save_setting(db, _form(urn="", setting_type=SettingType.SUPPORTED_LODGINGS))
    assert load_form(db, sid).urn is None


def test_saving_tidies_values_and_refuses_duplicate_urns(db: Database) -> None:
    sid = save_setting(db, _form())
    form = load_form(db, sid)
    assert (form.urn, form.postcode) == ("SC469688", "SM1 1AA")
    with pytest.raises(ValidationError, match="already recorded for Oak House") as caught:
        save_setting(db, _form(name="Other"))
    assert caught.value.field == "urn"
    form.places = 4
    assert save_setting(db, form, sid) == sid, "editing keeps its own URN"
    detail = setting_detail(db, sid, TODAY)
    assert [a.user for a in detail.audit] == ["sam.officer", "sam.officer"]
    assert "places: None → 4" in detail.audit[0].changes


def test_detail_gathers_history_and_documents(db: Database) -> None:
    with db.sessions.begin() as s:
        provider = Provider(name="Acorn Care")
        s.add(provider)
        s.flush()
        pid = provider.id
    sid = save_setting(db, _form(provider_id=pid))
    with db.sessions.begin() as s:
        for day, judged in ((dt.date(2022, 5, 1), Judgement.GOOD),
                            (dt.date(2025, 2, 1), Judgement.OUTSTANDING)):
            s.add(OfstedInspection(setting_id=sid, event_type=InspectionEventType.FULL,
                                   inspection_date=day, overall_judgement=judged))
        s.add(ProviderDocument(provider_id=pid, kind=DocumentKind.INSURANCE,
                               expiry_date=dt.date(2026, 3, 20)))
        s.add(ProviderDocument(setting_id=sid, kind=DocumentKind.ACCOUNTS,
                               expiry_date=dt.date(2026, 1, 1)))
    detail = setting_detail(db, sid, TODAY)
    assert detail.provider_name == "Acorn Care"
    assert [i.judgement for i in detail.inspections] == [Judgement.GOOD, Judgement.OUTSTANDING]
    assert detail.risk_level == "Low"
    assert detail.risk_explanation.startswith("Low risk")
    assert detail.provider_totals is not None
    assert (detail.provider_totals.name, len(detail.provider_totals.settings),
            detail.provider_totals.judged, detail.provider_totals.good_or_better) == (
        "Acorn Care", 1, 0, 0)
    statuses = {d.kind: d.status for d in detail.documents}
    assert statuses == {
        DocumentKind.REGISTRATION_CERTIFICATE: Expiry.MISSING,
        DocumentKind.INSURANCE: Expiry.EXPIRING,
        DocumentKind.STATEMENT_OF_PURPOSE: Expiry.MISSING,
        DocumentKind.ACCOUNTS: Expiry.EXPIRED,
    }


def test_expiry_boundaries() -> None:
    assert expiry_status(TODAY - dt.timedelta(days=1), TODAY) == Expiry.EXPIRED
    assert expiry_status(TODAY, TODAY) == Expiry.EXPIRING
    assert expiry_status(TODAY + dt.timedelta(days=30), TODAY) == Expiry.EXPIRING
    assert expiry_status(TODAY + dt.timedelta(days=31), TODAY) == Expiry.CURRENT
    assert expiry_status(None, TODAY) == Expiry.NO_EXPIRY


def test_postcodes_are_tidied() -> None:
    assert normalise_postcode(" sw1a2aa ") == "SW1A 2AA"
    assert normalise_postcode("") is None


def test_text_longer_than_its_column_is_refused_naming_the_field(db: Database) -> None:
    # The name column is String(200): 5,000 characters were once accepted and stored.
    with pytest.raises(ValidationError) as caught:
        save_setting(db, _form(name="A" * 5000))
    assert caught.value.field == "name"
    assert caught.value.message == ("The name is too long: 5,000 characters, and 200 at most "
                                    "are kept.")
    with pytest.raises(ValidationError) as caught:
        save_setting(db, _form(town="T" * 101))
    assert caught.value.field == "town"
    sid = save_setting(db, _form(name="A" * 200, town="T" * 100))
    assert load_form(db, sid).name == "A" * 200, "the limit itself is accepted"
