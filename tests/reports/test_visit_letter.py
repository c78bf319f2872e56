"""The letter after a QA visit: judgements in words, evidence, actions, DRAFT on drafts."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from placement_desk.errors import UserError
from placement_desk.lifecycle import Database
from placement_desk.models import Provider, Setting, User
from placement_desk.models.enums import (
    ActionPriority,
    QaJudgement,
    QaVisitType,
    SettingType,
    UserRole,
)
from placement_desk.reports.visit_letter import write_visit_letter
from placement_desk.services.qa.schedule import plan_visit
from placement_desk.services.qa.visits import (
    complete_visit,
    load_visit,
    raise_action,
    save_draft,
    start_visit,
)

TODAY = dt.date(2026, 6, 1)
PRINTED = dt.date(2026, 6, 3)
LONG_NOTE = "\n\n".join(
    f"Evidence paragraph {n}: records of missing episodes were checked against police "
    "logs, the manager explained the return-home interviews and staff described the "
    "de-escalation training they had received this year." for n in range(1, 61))

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is needed to read the PDFs")


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True)
    return done.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def setting_id(db: Database) -> uuid.UUID:
    with db.sessions.begin() as s:
        provider = Provider(name="Bright Futures", legal_name="Bright Futures Care Ltd",
                            address="Unit 4, Mill Lane, Croydon", postcode="CR0 2AB")
        s.add(provider)
        s.flush()
        setting = Setting(name="Oak House", urn="SC100001",
                          setting_type=SettingType.CHILDRENS_HOME, provider_id=provider.id,
                          address1="12 Beech Avenue", town="Sutton", postcode="SM2 5XY")
        s.add(setting)
        s.flush()
        return setting.id


@pytest.fixture
def officer_id(db: Database) -> uuid.UUID:
    with db.sessions.begin() as s:
        user = User(username="asha", display_name="Asha Patel", role=UserRole.QA_OFFICER)
        s.add(user)
        s.flush()
        return user.id


def _visit(db: Database, setting_id: uuid.UUID, officer_id: uuid.UUID, *,
           complete: bool) -> uuid.UUID:
    visit_id = start_visit(db, setting_id, TODAY, visit_type=QaVisitType.UNANNOUNCED,
                           officer_id=officer_id)
    form = load_visit(db, visit_id).form
    form.officers = "Ben Okafor"
    form.spoke_children, form.spoke_staff, form.spoke_managers = 2, 3, 1
    form.overall_judgement = QaJudgement.REQUIRES_IMPROVEMENT
    form.summary = "A warm home; records of missing episodes need work."
    judgements = [QaJudgement.GOOD, QaJudgement.OUTSTANDING, QaJudgement.INADEQUATE,
                  QaJudgement.NOT_ASSESSED]
    for n, area in enumerate(form.areas):
        area.judgement = judgements[n % len(judgements)]
        area.evidence = f"Seen the {area.area.lower()} file."
    form.areas[6].evidence = LONG_NOTE  # Protection of children
    form.areas[0].evidence = "Rota shows <2 waking staff> & agency cover at night."
    save_draft(db, visit_id, form)
    raise_action(db, visit_id, "Audit missing-episode records & return interviews",
                 "Registered manager", dt.date(2026, 7, 1), ActionPriority.HIGH)
    raise_action(db, visit_id, "Send the updated staffing rota", None,
                 dt.date(2026, 6, 15), ActionPriority.LOW, owner_user_id=officer_id)
    if complete:
        complete_visit(db, visit_id, TODAY)
    return visit_id


def test_completed_visit_letter_holds_findings_actions_and_no_draft_marking(
        db: Database, setting_id: uuid.UUID, officer_id: uuid.UUID, tmp_path: Path) -> None:
    visit_id = _visit(db, setting_id, officer_id, complete=True)
    out = write_visit_letter(db, visit_id, tmp_path / "letter.pdf", today=PRINTED)
    text = pdf_text(out)
    whole = flat(text)
    assert "DRAFT" not in text
    for expected in ("Bright Futures Care Ltd", "Unit 4, Mill Lane, Croydon, CR0 2AB",
                     "Oak House", "SC100001", "12 Beech Avenue, Sutton, SM2 5XY",
                     "1 June 2026", "Unannounced", "Asha Patel (lead), Ben Okafor",
                     "2 children, 3 staff and 1 manager",
                     "we judged Oak House to be: Requires improvement.",
                     "A warm home; records of missing episodes need work.",
                     "Printed 3 June 2026", "OFFICIAL-SENSITIVE", "Yours sincerely"):
        assert expected in whole, expected
    # each area with its judgement in words
    assert "1. Quality and purpose of care Judgement: Good" in whole
    assert "2. Children's views, wishes and feelings Judgement: Outstanding" in whole
    assert "3. Education Judgement: Inadequate" in whole
    assert "4. Enjoyment and achievement Judgement: Not assessed" in whole
    assert "Seen the education file." in whole
    # user text with markup characters prints as typed
    assert "Rota shows <2 waking staff> & agency cover at night." in whole
    # the actions: description, owner, due date, priority
    assert "Audit missing-episode records & return" in whole
    assert "Registered manager" in whole and "01/07/2026" in whole and "High" in whole
    assert "Send the updated staffing rota Asha Patel 15/06/2026 Low" in whole
    # the long evidence note runs over pages, in order, and page numbers count them all
    sheets = text.rstrip("\f").split("\f")
    first = next(n for n, p in enumerate(sheets) if "Evidence paragraph 1:" in p)
    last = next(n for n, p in enumerate(sheets) if "Evidence paragraph 60:" in p)
    assert last > first
    assert whole.index("Evidence paragraph 1:") < whole.index("Evidence paragraph 60:") < \
        whole.index("8. Leadership and management")
    for n, sheet in enumerate(sheets, start=1):
        assert f"Page {n} of {len(sheets)}" in sheet


def test_a_visit_in_progress_prints_marked_draft(
        db: Database, setting_id: uuid.UUID, officer_id: uuid.UUID, tmp_path: Path) -> None:
    visit_id = _visit(db, setting_id, officer_id, complete=False)
    text = pdf_text(write_visit_letter(db, visit_id, tmp_path / "d.pdf"))
    sheets = text.rstrip("\f").split("\f")
    assert all("DRAFT" in sheet for sheet in sheets)
    assert "the visit is still in progress" in flat(text)


def test_a_draft_with_nothing_judged_yet_still_prints(
        db: Database, setting_id: uuid.UUID, tmp_path: Path) -> None:
    with db.sessions.begin() as s:
        setting = s.get(Setting, setting_id)
        assert setting is not None
        setting.name = "Oak & Ash <East>"
    visit_id = start_visit(db, setting_id, TODAY)
    whole = flat(pdf_text(write_visit_letter(db, visit_id, tmp_path / "e.pdf")))
    assert "Quality assurance visit to Oak & Ash <East>" in whole
    assert "we judged Oak & Ash <East> to be: Not yet judged." in whole
    assert "Not yet judged" in whole and "No evidence notes recorded." in whole
    assert "We did not raise any actions at this visit." in whole
    assert "No one recorded" in whole and "Quality assurance team" in whole


def test_a_planned_visit_has_no_letter(db: Database, setting_id: uuid.UUID,
                                      tmp_path: Path) -> None:
    visit_id = plan_visit(db, setting_id, dt.date(2026, 9, 1), today=TODAY)
    with pytest.raises(UserError, match="planned"):
        write_visit_letter(db, visit_id, tmp_path / "p.pdf")
    assert not list(tmp_path.glob("*.pdf*"))


def test_a_letter_into_a_missing_folder_raises_and_leaves_nothing(
        db: Database, setting_id: uuid.UUID, officer_id: uuid.UUID, tmp_path: Path) -> None:
    visit_id = _visit(db, setting_id, officer_id, complete=True)
    with pytest.raises(UserError, match="does not exist"):
        write_visit_letter(db, visit_id, tmp_path / "nowhere" / "letter.pdf")
    assert not (tmp_path / "nowhere").exists()


def test_the_closing_and_signature_never_stand_alone_on_the_last_page(
        db: Database, setting_id: uuid.UUID, officer_id: uuid.UUID, tmp_path: Path) -> None:
    """Notes of 1 to 16 three-line paragraphs move the closing down a whole page between
    them, so one of these letters would end with "Yours sincerely" at the top of a page
    of its own were the closing not kept with the paragraph before it."""
    note = ("Evidence paragraph about records, interviews and training that runs to about "
            "three lines of text in the letter so that each adds a fixed height to the page "
            "and the closing moves down. ")
    for n in range(1, 17):
        visit_id = start_visit(db, setting_id, TODAY, visit_type=QaVisitType.ANNOUNCED,
                               officer_id=officer_id)
        form = load_visit(db, visit_id).form
        form.overall_judgement = QaJudgement.GOOD
        for area in form.areas:
            area.judgement = QaJudgement.GOOD
        form.areas[0].evidence = "\n\n".join([note] * n)
        save_draft(db, visit_id, form)
        complete_visit(db, visit_id, TODAY)
        sheets = pdf_text(write_visit_letter(db, visit_id, tmp_path / f"l{n}.pdf",
                                             today=PRINTED)).rstrip("\f").split("\f")
        last = flat(sheets[-1])
        assert "Yours sincerely" in last and "Asha Patel" in last
        assert "Please send us an update on each action" in last, n
