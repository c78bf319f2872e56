"""The IPA as a PDF: terms, money, signature blocks, DRAFT marking only on drafts."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from placement_desk.errors import UserError
from placement_desk.lifecycle import Database
from placement_desk.models import Child, Provider, Setting
from placement_desk.models.enums import AgreementStatus, ServiceCharge, SettingType
from placement_desk.reports.agreement_pdf import write_agreement_pdf
from placement_desk.services.agreements.ipa import AgreementForm, ServiceLine, create_agreement
from placement_desk.services.agreements.ipa_detail import agreement_detail
from placement_desk.services.agreements.ipa_lifecycle import advance, make_variation
from placement_desk.services.common.settings_store import set_setting

S = AgreementStatus
START = dt.date(2025, 1, 6)
PRINTED = dt.date(2026, 3, 7)
OUTCOMES = ("Attend school every day and sit GCSE English & maths <Year 11>.\n\n"
            + " ".join(f"Outcome sentence {n} about health, education and family time."
                       for n in range(1, 160)))

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is needed to read the PDFs")


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True)
    return done.stdout


def pages(text: str) -> list[str]:
    return text.rstrip("\f").split("\f")


def flat(text: str) -> str:
    """The text with layout spacing collapsed, for phrases that may wrap."""
    return " ".join(text.split())


def signature_lines(text: str) -> list[str]:
    """The signature blocks' lines (two blocks side by side), spacing collapsed."""
    page = [" ".join(line.split()) for line in pages(text)[-1].splitlines() if line.strip()]
    at = next(n for n, line in enumerate(page) if "Signed for and on behalf of" in line)
    return page[at:at + 6]


@pytest.fixture
def child_id(db: Database) -> uuid.UUID:
    with db.sessions.begin() as s:
        provider = Provider(name="Acorn Care", legal_name="Acorn Care Group Ltd")
        s.add(provider)
        s.flush()
        s.add(Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=provider.id, address1="1 Elm Road", town="Sutton",
                      postcode="SM1 1AA"))
        child = Child(case_ref="C-0001")
        s.add(child)
        s.flush()
        return child.id


def _agreement(db: Database, child_id: uuid.UUID, **kw: object) -> uuid.UUID:
    with db.sessions() as s:
        setting_id = s.query(Setting.id).filter_by(urn="SC469688").scalar()
    values: dict[str, object] = {
        "reference": "IPA-2025-001", "child_id": child_id, "setting_id": setting_id,
        "council_name": "Sutton Council", "provider_legal_entity": "Acorn Care Group Ltd",
        "start_date": START, "placement_type": "K2", "weekly_fee_pence": 383_050,
        "funding_social_care_bp": 6000, "funding_health_bp": 2500,
        "funding_education_bp": 1500, "outcomes": OUTCOMES,
        "invoicing_reference": "PO-77812", "notice_terms": "28 days' notice in writing.",
        "special_conditions": "No overnight stays away without the social worker's agreement.",
        "services": [ServiceLine("Additional 1:1 staffing", ServiceCharge.HOURLY,
                                 hours_per_week=10, rate_pence=2850),
                     ServiceLine("Therapy", ServiceCharge.WEEKLY, amount_pence=45_000),
                     ServiceLine("Set-up costs", ServiceCharge.ONE_OFF, amount_pence=50_000)]}
    values.update(kw)
    agreement_id = create_agreement(db, AgreementForm(**values))  # type: ignore[arg-type]
    return agreement_id


def _version(db: Database, agreement_id: uuid.UUID, n: int = 1) -> uuid.UUID:
    return agreement_detail(db, agreement_id).versions[n - 1].id


def test_draft_agreement_prints_its_terms_with_a_draft_marking(
        db: Database, child_id: uuid.UUID, tmp_path: Path) -> None:
    version_id = _version(db, _agreement(db, child_id))
    out = write_agreement_pdf(db, version_id, tmp_path / "ipa.pdf", today=PRINTED)
    assert out == tmp_path / "ipa.pdf"
    text = pdf_text(out)
    whole = flat(text)
    for expected in ("Individual Placement Agreement", "Sutton Council", "Acorn Care Group Ltd",
                     "Oak House", "SC469688", "1 Elm Road, Sutton, SM1 1AA", "C-0001",
                     "6 January 2025", "K2 – Children's home", "£3,830.50 per week",
                     "PO-77812", "28 days' notice in writing.",
                     "No overnight stays away without the social worker's agreement.",
                     "Printed 7 March 2026", "OFFICIAL-SENSITIVE"):
        assert expected in whole, expected
    # services: hours x rate, fixed weekly, one-off, and the weekly total
    assert "10 hours per week ×" in whole and "£28.50 an hour" in whole  # may wrap
    assert "£285.00 per week" in whole
    assert "£450.00 per week" in whole
    assert "£500.00 once" in whole
    assert "£4,565.50 per week" in whole  # 3,830.50 + 285.00 + 450.00
    # funding 60 / 25 / 15 of the weekly cost, adding up to the penny
    assert "60%" in whole and "25%" in whole and "15%" in whole
    assert "£1,141.38 per week" in whole and "£684.83 per week" in whole
    assert "£2,739.29 per week" in whole
    # outcomes: escaped markup, and long enough to run over pages
    assert "GCSE English & maths <Year 11>." in whole
    assert "Outcome sentence 159 about health" in whole
    # signature blocks for both parties
    blocks = signature_lines(text)
    assert blocks[0].startswith("Signed for and on behalf of Acorn Care Group Signed for and "
                                "on behalf of Sutton Council")
    assert blocks[1:] == ["Ltd", "Name Name", "Role Role", "Signature Signature", "Date Date"]
    assert "Not yet issued to the provider." in whole
    # the draft marking on every page, and the page count
    sheets = pages(text)
    assert len(sheets) >= 3
    for n, sheet in enumerate(sheets, start=1):
        assert "DRAFT – not for signature" in sheet
        assert f"Page {n} of {len(sheets)}" in sheet
    assert "Page 1 of" in sheets[0]
    # no names of the child anywhere: only the reference
    assert "This variation" not in whole


def test_signed_variation_shows_version_reason_signers_and_no_draft_marking(
        db: Database, child_id: uuid.UUID, tmp_path: Path) -> None:
    agreement_id = _agreement(db, child_id, outcomes="Stay in school.")
    first = _version(db, agreement_id)
    day = dt.datetime(2025, 1, 2, 10, 0)
    advance(db, first, S.ISSUED, "Sam Officer", day)
    advance(db, first, S.PROVIDER_SIGNED, "Pat Provider", day)
    advance(db, first, S.COUNCIL_SIGNED, "Chris Head", day)
    advance(db, first, S.ACTIVE, "Sam Officer", day)
    second = make_variation(db, agreement_id, dt.date(2025, 4, 1),
                            "Annual uplift of 3% & extra staffing",
                            {"weekly_fee_pence": 394_540})
    advance(db, second, S.ISSUED, "Sam Officer", dt.datetime(2025, 3, 20, 9, 0))
    advance(db, second, S.PROVIDER_SIGNED, "Pat Provider",
            dt.datetime(2025, 3, 24, 9, 0), "Registered manager")

    text = pdf_text(write_agreement_pdf(db, second, tmp_path / "v2.pdf",
                                        today=PRINTED))
    whole = flat(text)
    assert "DRAFT" not in text
    assert "version 2" in whole and "Signed by provider" in whole
    assert "1 April 2025" in whole
    assert "Annual uplift of 3% & extra staffing" in whole
    assert "£3,945.40 per week" in whole
    assert "Issued to provider Sam Officer 20/03/2025" in whole
    assert "Signed by provider Pat Provider, Registered manager 24/03/2025" in whole
    assert "Signed by council" not in whole.split("Signing record")[1].split("Signatures")[0]
    # the provider's block carries who signed, in what role and when; the council's is
    # blank to fill in
    assert signature_lines(text)[2:] == ["Name Pat Provider Name",
                                         "Role Registered manager Role",
                                         "Signature Signature", "Date 24 March 2025 Date"]
    assert pages(text)[0].count("Page 1 of") == 1

    # the first version, still in force until the variation is active, prints as it was
    old = flat(pdf_text(write_agreement_pdf(db, first, tmp_path / "v1.pdf",
                                            today=PRINTED)))
    assert "£3,830.50 per week" in old and "Came into force" in old
    assert "This variation" not in old and "DRAFT" not in old


def test_council_name_comes_from_the_settings_when_set(
        db: Database, child_id: uuid.UUID, tmp_path: Path) -> None:
    version_id = _version(db, _agreement(db, child_id, council_name=None,
                                         provider_legal_entity="Smith & Jones <Care> Ltd"))
    text = flat(pdf_text(write_agreement_pdf(db, version_id, tmp_path / "a.pdf")))
    assert text.startswith("OFFICIAL-SENSITIVE DRAFT – not for signature Placement Desk ")
    assert "Provider (legal entity) Smith & Jones <Care> Ltd" in text
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "London Borough of Sutton")
    text = flat(pdf_text(write_agreement_pdf(db, version_id, tmp_path / "b.pdf",
                                             today=dt.date(2026, 3, 16))))
    assert "London Borough of Sutton" in text
    assert "Printed 16 March 2026" in text


def test_a_missing_folder_raises_a_user_error_and_writes_nothing(
        db: Database, child_id: uuid.UUID, tmp_path: Path) -> None:
    version_id = _version(db, _agreement(db, child_id))
    target = tmp_path / "gone" / "ipa.pdf"
    with pytest.raises(UserError, match="does not exist"):
        write_agreement_pdf(db, version_id, target)
    assert not target.parent.exists()


def test_a_deleted_version_raises_a_user_error(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no longer in the database"):
        write_agreement_pdf(db, uuid.uuid4(), tmp_path / "x.pdf")
    assert list(tmp_path.glob("*.pdf*")) == []
