"""Recording QA visits: templates and their versions, drafts, completion, actions."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import (
    Action,
    AuditEvent,
    Child,
    PlacementEpisode,
    Provider,
    QaTemplateVersion,
    QaVisit,
    Setting,
)
from placement_desk.models.enums import (
    ActionPriority,
    ActionSource,
    AlertKind,
    AuditAction,
    Judgement,
    QaJudgement,
    QaVisitStatus,
    QaVisitType,
    RiskLevel,
    SettingType,
)
from placement_desk.services.qa.schedule import plan_visit, recompute_schedule
from placement_desk.services.qa.templates import (
    CHILDRENS_HOME_STANDARDS,
    COUNCIL_STANDARDS,
    SUPPORTED_ACCOMMODATION_STANDARDS,
    create_template,
    edit_template,
    ensure_default_templates,
    list_templates,
    template_for,
)
from placement_desk.services.qa.visit_forms import AreaForm, VisitForm
from placement_desk.services.qa.visits import (
    cancel_visit,
    complete_visit,
    discard_draft,
    edit_visit_action,
    load_visit,
    open_drafts,
    raise_action,
    remove_visit_action,
    save_draft,
    start_visit,
)
from placement_desk.services.register.alerts import raise_alert

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def db_user() -> str:
    return "asha"


def _home(db: Database, kind: SettingType = SettingType.CHILDRENS_HOME,
          **kw: object) -> uuid.UUID:
    with db.sessions.begin() as s:
        provider = Provider(name="Bright Futures Ltd")
        s.add(provider)
        s.flush()
        setting = Setting(name="Oak House", urn="SC100001", setting_type=kind,
                          provider_id=provider.id, **kw)
        child = Child(case_ref="C1")
        s.add_all([setting, child])
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id,
                               start_date=dt.date(2025, 1, 1), placement_type="K2"))
        return setting.id


def _audit_count(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _filled(form: VisitForm) -> VisitForm:
    form.visit_type = QaVisitType.UNANNOUNCED
    form.overall_judgement = QaJudgement.GOOD
    form.officers = "Asha Patel, Ben Okafor"
    form.spoke_children, form.spoke_staff = 2, 3
    form.summary = "Warm, settled home."
    for area in form.areas:
        area.judgement = QaJudgement.GOOD
        area.evidence = "Seen."
    return form


# --- Templates --------------------------------------------------------------------------

def _template(s: Session, kind: SettingType) -> tuple[str, ...]:
    found = template_for(s, kind)
    assert found is not None
    return found.areas


def test_default_templates_are_seeded_once_per_type(db: Database) -> None:
    assert ensure_default_templates(db) == 3
    assert ensure_default_templates(db) == 0
    with db.sessions() as s:
        assert len(list_templates(db)) == 3
        assert _template(s, SettingType.CHILDRENS_HOME) == CHILDRENS_HOME_STANDARDS
        assert len(CHILDRENS_HOME_STANDARDS) == 9
        assert _template(s, SettingType.SECURE_CHILDRENS_HOME) == CHILDRENS_HOME_STANDARDS
        assert _template(s, SettingType.SUPPORTED_ACCOMMODATION) == \
            SUPPORTED_ACCOMMODATION_STANDARDS
        for kind in (SettingType.IFA, SettingType.SEMI_INDEPENDENT, SettingType.STAYING_PUT):
            assert _template(s, kind) == COUNCIL_STANDARDS


def test_editing_a_template_adds_a_version_and_leaves_recorded_visits_alone(
        db: Database) -> None:
    sid = _home(db)
    first = start_visit(db, sid, TODAY)
    before = load_visit(db, first)
    with db.sessions() as s:
        template = template_for(s, SettingType.CHILDRENS_HOME)
        assert template is not None and template.version_no == 1
    areas = ["Safeguarding", " Care   planning ", "", "Education"]
    edited = edit_template(db, template.id, areas)
    assert (edited.version_no, edited.areas) == (2, ("Safeguarding", "Care planning",
                                                     "Education"))
    assert edit_template(db, template.id, edited.areas).version_no == 2, \
        "saving the same areas adds no version"

    after = load_visit(db, first)
    assert after.form.areas == before.form.areas
    assert [a.area for a in after.form.areas] == list(CHILDRENS_HOME_STANDARDS)
    assert after.template_version_id == template.version_id
    assert start_visit(db, sid, TODAY) == first, "the draft in progress resumes"
    cancel_visit(db, first)
    second = load_visit(db, start_visit(db, sid, TODAY))
    assert [a.area for a in second.form.areas] == list(edited.areas)
    assert second.template_version_id == edited.version_id
    with db.sessions() as s:
        old = s.get(QaTemplateVersion, template.version_id)
        assert old is not None and tuple(old.areas) == CHILDRENS_HOME_STANDARDS


@pytest.mark.parametrize(("areas", "words"), [
    ([], "at least one"), (["  "], "at least one"), (["Premises", "premises"], "listed twice")])
def test_template_areas_are_checked(db: Database, areas: list[str], words: str) -> None:
    with db.sessions.begin() as s:
        ensure_default_templates(db)
        template = template_for(s, SettingType.IFA)
        assert template is not None
    with pytest.raises(ValidationError, match=words) as caught:
        edit_template(db, template.id, areas)
    assert caught.value.field == "areas"


def test_a_type_can_be_given_its_own_template(db: Database) -> None:
    ensure_default_templates(db)
    own = create_template(db, "Staying Put", SettingType.STAYING_PUT,
                          ["Carer support", "The young person's voice"])
    with db.sessions() as s:
        assert _template(s, SettingType.STAYING_PUT) == own.areas
        assert _template(s, SettingType.SUPPORTED_LODGINGS) == COUNCIL_STANDARDS
    with pytest.raises(ValidationError, match="already covers"):
        create_template(db, "Again", SettingType.STAYING_PUT, ["X"])


# --- Drafts -----------------------------------------------------------------------------

def test_a_draft_saves_reopens_and_a_repeat_save_writes_nothing(db: Database) -> None:
    sid = _home(db)
    visit_id = start_visit(db, sid, TODAY, visit_type=QaVisitType.ANNOUNCED)
    record = load_visit(db, visit_id)
    assert (record.status, record.form.visit_date, record.form.visit_type) == (
        QaVisitStatus.DRAFT, TODAY, QaVisitType.ANNOUNCED)
    assert [d.visit_id for d in open_drafts(db)] == [visit_id]

    form = _filled(record.form)
    form.areas[0].judgement = QaJudgement.REQUIRES_IMPROVEMENT
    form.areas.append(AreaForm("Premises", QaJudgement.INADEQUATE, "Broken window"))
    saved = save_draft(db, visit_id, form)
    assert saved.changed and saved.saved_at is not None
    form.row_version = saved.row_version  # the form goes on from its own save

    reopened = load_visit(db, visit_id)
    assert reopened.form == form
    assert reopened.draft_saved_at == saved.saved_at
    events = _audit_count(db)
    again = save_draft(db, visit_id, reopened.form)
    assert (again.changed, again.saved_at) == (False, saved.saved_at)
    assert _audit_count(db) == events, "an autosave with no change leaves no audit trail"

    form.areas = form.areas[:2]
    form.summary = "  "
    assert save_draft(db, visit_id, form).changed
    shorter = load_visit(db, visit_id)
    assert [a.area for a in shorter.form.areas] == list(CHILDRENS_HOME_STANDARDS[:2])
    assert shorter.form.summary is None


def test_draft_rules_and_only_drafts_can_be_saved(db: Database) -> None:
    sid = _home(db)
    visit_id = start_visit(db, sid, TODAY)
    form = load_visit(db, visit_id).form
    form.spoke_children = -1
    with pytest.raises(ValidationError) as caught:
        save_draft(db, visit_id, form)
    assert caught.value.field == "spoke_children"
    form.spoke_children = 0
    form.areas[1].area = " "
    with pytest.raises(ValidationError) as caught:
        save_draft(db, visit_id, form)
    assert caught.value.field == "areas[1].area"
    cancel_visit(db, visit_id)
    assert open_drafts(db) == []
    with pytest.raises(ValidationError, match="cancelled"):
        save_draft(db, visit_id, VisitForm())


def test_a_planned_visit_is_started_as_a_draft(db: Database) -> None:
    sid = _home(db)
    planned = plan_visit(db, sid, dt.date(2026, 6, 10), None, QaVisitType.VIRTUAL,
                         today=TODAY)
    assert start_visit(db, sid, dt.date(2026, 6, 10), visit_id=planned) == planned
    assert start_visit(db, sid, dt.date(2026, 6, 10), visit_id=planned) == planned
    record = load_visit(db, planned)
    assert (record.status, record.planned_date, record.form.visit_type,
            len(record.form.areas)) == (QaVisitStatus.DRAFT, dt.date(2026, 6, 10),
                                        QaVisitType.VIRTUAL, 9)
    other = plan_visit(db, sid, dt.date(2026, 7, 1), today=TODAY)
    cancel_visit(db, other)
    with pytest.raises(ValidationError, match="cannot be started"):
        start_visit(db, sid, TODAY, visit_id=other)


# --- Completing -------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "field"), [
    ({"visit_date": None}, "visit_date"),
    ({"visit_date": TODAY + dt.timedelta(days=1)}, "visit_date"),
    ({"visit_type": None}, "visit_type"),
    ({"overall_judgement": None}, "overall_judgement"),
    ({"areas": []}, "areas"),
])
def test_completion_needs_date_type_judgement_and_areas(db: Database, change: dict[str, object],
                                                        field: str) -> None:
    sid = _home(db)
    visit_id = start_visit(db, sid, TODAY)
    form = _filled(load_visit(db, visit_id).form)
    for key, value in change.items():
        setattr(form, key, value)
    save_draft(db, visit_id, form)
    with pytest.raises(ValidationError) as caught:
        complete_visit(db, visit_id, TODAY)
    assert caught.value.field == field
    with pytest.raises(ValidationError) as caught:
        complete_visit(db, visit_id, TODAY, form)
    assert caught.value.field == field
    assert load_visit(db, visit_id).status == QaVisitStatus.DRAFT


def test_each_area_needs_a_judgement_or_not_assessed(db: Database) -> None:
    sid = _home(db)
    visit_id = start_visit(db, sid, TODAY)
    form = _filled(load_visit(db, visit_id).form)
    form.areas[2].judgement = None
    with pytest.raises(ValidationError, match="Education, or Not assessed") as caught:
        complete_visit(db, visit_id, TODAY, form)
    assert caught.value.field == "areas[2].judgement"
    form.areas[2].judgement = QaJudgement.NOT_ASSESSED
    complete_visit(db, visit_id, TODAY, form)
    assert load_visit(db, visit_id).form.areas[2].judgement == QaJudgement.NOT_ASSESSED


def test_a_saved_draft_with_an_unjudged_area_cannot_be_completed(db: Database) -> None:
    """Areas start 'not yet judged' (not 'Not assessed'), so a forgotten one is caught."""
    sid = _home(db)
    visit_id = start_visit(db, sid, TODAY)
    assert all(a.judgement is None for a in load_visit(db, visit_id).form.areas)
    form = _filled(load_visit(db, visit_id).form)
    form.areas[4].judgement = None
    save_draft(db, visit_id, form)
    with pytest.raises(ValidationError, match="Health and well-being, or Not assessed"):
        complete_visit(db, visit_id, TODAY)


def test_completing_updates_risk_and_moves_the_due_date_past_an_alert(db: Database) -> None:
    sid = _home(db, latest_judgement=Judgement.GOOD, risk_level=RiskLevel.LOW)
    with db.sessions.begin() as s:
        setting = s.get(Setting, sid)
        assert setting is not None
        raise_alert(s, setting, AlertKind.DOWNGRADE, Judgement.OUTSTANDING, Judgement.GOOD,
                    dt.date(2026, 5, 11))
        recompute_schedule(s, TODAY)
        assert setting.next_qa_due == dt.date(2026, 5, 26), \
            "ten working days after the alert, the bank holiday on the 25th not counted"
    visit_id = start_visit(db, sid, TODAY)
    form = _filled(load_visit(db, visit_id).form)
    form.overall_judgement = QaJudgement.INADEQUATE
    form.visit_date = dt.date(2026, 5, 29)
    done = complete_visit(db, visit_id, TODAY, form)
    # QA Inadequate (+25), the alert's action open (+2) and overdue (+5), a child (+5): 37.
    assert (done.risk_level, done.next_qa_due) == (RiskLevel.MEDIUM, dt.date(2026, 11, 29))
    record = load_visit(db, visit_id)
    assert record.status == QaVisitStatus.COMPLETED and record.completed_at is not None
    assert open_drafts(db) == []
    with pytest.raises(ValidationError, match="completed"):
        save_draft(db, visit_id, record.form)
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        cancel_visit(db, visit_id)


def test_actions_are_raised_on_a_visit(db: Database) -> None:
    sid = _home(db)
    visit_id = start_visit(db, sid, TODAY)
    action_id = raise_action(db, visit_id, "Repair the window", "Site manager",
                             dt.date(2026, 6, 15), ActionPriority.HIGH)
    with pytest.raises(ValidationError) as caught:
        raise_action(db, visit_id, "No date", "Site manager", None)
    assert caught.value.field == "due_date"
    record = load_visit(db, visit_id)
    [row] = record.actions
    with db.sessions() as s:
        provider_id = s.scalar(select(Setting.provider_id).where(Setting.id == sid))
        visit_date = s.scalar(select(QaVisit.visit_date).where(QaVisit.id == visit_id))
    assert (row.id, row.source, row.source_label, row.qa_visit_id, row.setting_id,
            row.provider_id, row.owner, row.priority) == (
        action_id, ActionSource.QA_VISIT, "QA visit 01/06/2026", visit_id, sid, provider_id,
        "Site manager", ActionPriority.HIGH)
    assert visit_date == TODAY


# --- Drafts: one per setting, told apart, discarded with an audit trail -------------------

def test_starting_a_visit_to_a_setting_with_a_draft_resumes_it(db: Database) -> None:
    sid = _home(db)
    first = start_visit(db, sid, TODAY)
    assert start_visit(db, sid, TODAY) == first, "no second, blank visit"
    assert [d.visit_id for d in open_drafts(db)] == [first]


def test_drafts_say_when_they_were_saved_and_what_they_hold_in_a_stable_order(
        db: Database) -> None:
    oak = _home(db)
    with db.sessions.begin() as s:
        elm = Setting(name="Elm Lodge", urn="SC100002", setting_type=SettingType.CHILDRENS_HOME)
        s.add(elm)
        s.flush()
        elm_id = elm.id
    oak_visit = start_visit(db, oak, TODAY, visit_type=QaVisitType.UNANNOUNCED)
    elm_visit = start_visit(db, elm_id, TODAY)
    form = load_visit(db, oak_visit).form
    form.areas[0].judgement = form.areas[1].judgement = QaJudgement.GOOD
    save_draft(db, oak_visit, form)
    raise_action(db, oak_visit, "Fix the fire door", "Manager", TODAY)
    same_moment = dt.datetime(2026, 6, 1, 9, 30)
    with db.sessions.begin() as s:  # both saved at the same moment: order by name, not luck
        for visit in s.scalars(select(QaVisit)):
            visit.draft_saved_at = same_moment
    for _ in range(3):
        drafts = open_drafts(db)
        assert [d.setting_name for d in drafts] == ["Elm Lodge", "Oak House"]
    elm_row, oak_row = drafts
    assert oak_row.holds == ("Unannounced, visit date 01/06/2026, 2 of 9 areas judged, "
                             "overall not yet judged, 1 action")
    assert elm_row.holds == ("type not chosen, visit date 01/06/2026, 0 of 9 areas judged, "
                             "overall not yet judged, 0 actions")
    assert oak_row.saved_text.startswith("last saved ") and elm_row.visit_id == elm_visit


def test_a_draft_is_discarded_by_marking_it_deleted_with_its_actions(db: Database) -> None:
    sid = _home(db)
    visit_id = start_visit(db, sid, TODAY)
    action_id = raise_action(db, visit_id, "Fix the fire door", "Manager", TODAY)
    events = _audit_count(db)
    assert discard_draft(db, visit_id) == 1
    assert open_drafts(db) == []
    with db.sessions() as s:
        visit, action = s.get(QaVisit, visit_id), s.get(Action, action_id)
        assert visit is not None and visit.deleted_at is not None, "kept, marked deleted"
        assert action is not None and action.deleted_at is not None
        kinds = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.at))]
    assert _audit_count(db) == events + 2, "both are in the audit trail"
    assert AuditAction.DELETE in kinds
    with pytest.raises(ValidationError, match="no longer exists"):
        discard_draft(db, visit_id)
    assert start_visit(db, sid, TODAY) != visit_id, "a new visit can start"


def test_an_action_on_a_visit_in_progress_can_be_corrected_or_removed(db: Database) -> None:
    sid = _home(db)
    visit_id = start_visit(db, sid, TODAY)
    action_id = raise_action(db, visit_id, "Fix the door", "Manager", TODAY)
    edit_visit_action(db, visit_id, action_id, "Fix the fire door", "Deputy manager",
                      TODAY + dt.timedelta(days=7), ActionPriority.HIGH)
    with db.sessions() as s:
        action = s.get(Action, action_id)
        assert action is not None
        assert (action.description, action.owner, action.due_date, action.priority) == (
            "Fix the fire door", "Deputy manager", TODAY + dt.timedelta(days=7),
            ActionPriority.HIGH)
    with pytest.raises(ValidationError) as caught:
        edit_visit_action(db, visit_id, action_id, "Fix it", "", TODAY)
    assert caught.value.field == "owner"
    remove_visit_action(db, visit_id, action_id)
    assert load_visit(db, visit_id).actions == ()
    with db.sessions() as s:
        removed = s.get(Action, action_id)
        assert removed is not None and removed.deleted_at is not None


def test_a_template_name_longer_than_its_column_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        create_template(db, "T" * 201, SettingType.IFA, ["Safeguarding"])
    assert caught.value.field == "name" and "201 characters" in caught.value.message
