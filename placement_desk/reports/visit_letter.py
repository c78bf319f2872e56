"""The letter to a provider after a QA visit: what was judged, why, and the actions raised.

Each area's judgement is written as a word (a tint only supports it), followed by
the officer's evidence notes, which may run over several pages. A visit still in
progress prints marked "DRAFT" on every page; planned and cancelled visits have no
findings to send, so they are refused with a message.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import UserError
from ..models import Action, Provider, Setting, User
from ..models.enums import QaJudgement, QaVisitStatus
from ..services.common.formatting import date_long, date_short
from ..services.qa.actions import ActionRow
from ..services.qa.visit_forms import VisitForm
from ..services.qa.visits import VisitRecord, load_visit
from . import page_breaks, pdf_writer, style, tables
from .style import CONTENT_WIDTH, DocumentInfo, heading, para, paragraphs
from .tables import key_value_table
from .written import report_written

__all__ = ["DRAFT_MARKING", "judgement_text", "people_spoken_to", "write_visit_letter"]

DRAFT_MARKING = "DRAFT"
NOT_JUDGED = "Not yet judged"


def judgement_text(judgement: QaJudgement | None) -> str:
    """The judgement as a word: "Requires improvement"; "Not yet judged" when blank."""
    return judgement.label if judgement is not None else NOT_JUDGED


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def people_spoken_to(form: VisitForm) -> str:
    """"2 children, 3 staff and 1 manager"; "No one recorded" when all are 0."""
    parts = [_plural(form.spoke_children, "child", "children"),
             _plural(form.spoke_staff, "member of staff", "staff"),
             _plural(form.spoke_managers, "manager", "managers")]
    if not (form.spoke_children or form.spoke_staff or form.spoke_managers):
        return "No one recorded"
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _address(*parts: str | None) -> str:
    lines = [p.strip() for p in parts if p and p.strip()]
    return ", ".join(lines)


class _Context:
    """What the letter needs beyond the visit record, read in one session."""

    def __init__(self, session: Session, record: VisitRecord) -> None:
        setting = session.get(Setting, record.setting_id)
        provider = (session.get(Provider, setting.provider_id)
                    if setting is not None and setting.provider_id else None)
        lead = (session.get(User, record.form.lead_officer_id)
                if record.form.lead_officer_id else None)
        self.council = style.council_name(session)
        self.provider_name = (provider.legal_name or provider.name if provider else None) or (
            setting.owner_name if setting else None) or "the provider"
        self.provider_address = _address(provider.address if provider else None,
                                         provider.postcode if provider else None)
        self.setting_address = _address(
            *(getattr(setting, k) for k in ("address1", "address2", "town", "county",
                                            "postcode"))) if setting else ""
        self.lead_officer = lead.display_name if lead is not None else None
        unnamed = [a.id for a in record.actions if not a.owner]
        self.owners: dict[uuid.UUID, str] = dict(session.execute(
            select(Action.id, User.display_name).join(User, User.id == Action.owner_user_id)
            .where(Action.id.in_(unnamed))).all()) if unnamed else {}
        """Owners of actions given to a user rather than named in words."""


def _officers(record: VisitRecord, ctx: _Context) -> str:
    others = (record.form.officers or "").strip()
    if ctx.lead_officer and others:
        if ctx.lead_officer.casefold() in others.casefold():
            return f"{others} (lead: {ctx.lead_officer})"
        return f"{ctx.lead_officer} (lead), {others}"
    return ctx.lead_officer or others or "Not recorded"


def _action_rows(actions: tuple[ActionRow, ...],
                 owners: dict[uuid.UUID, str]) -> list[list[str | Flowable | None]]:
    return [[a.description, a.owner or owners.get(a.id) or "Not assigned",
             date_short(a.due_date, "No date"), a.priority.label] for a in actions]


def _story(record: VisitRecord, ctx: _Context, printed: dt.date) -> list[Flowable]:
    st = style.styles()
    keep = ParagraphStyle("keep_with_next", parent=st.body, keepWithNext=1)
    form = record.form
    visit_type = form.visit_type.label.lower() if form.visit_type else "QA"
    when = date_long(form.visit_date, blank="a date not yet recorded")
    urn = f" (URN {record.urn})" if record.urn else ""
    story: list[Flowable] = []
    address = "\n".join(x for x in (ctx.provider_name, ctx.provider_address) if x)
    story += [para(address, st.body), para(date_long(printed), st.body), Spacer(1, 3 * mm),
              Paragraph(style.markup(f"Quality assurance visit to {record.setting_name}"),
                        st.title),
              para(f"{form.visit_type.label if form.visit_type else 'Visit'} visit on {when}"
                   f"{urn}", st.subtitle)]
    if record.status == QaVisitStatus.DRAFT:
        story.append(style.banner(f"{DRAFT_MARKING} – the visit is still in progress and these "
                                  "findings may change."))
    story += [para("Dear colleague,"),
              para(f"Thank you for welcoming us to {record.setting_name} on {when}. This letter "
                   f"sets out what we found at our {visit_type} visit, our judgement of each "
                   "area we looked at, and the actions we agreed with you.")]

    story += [heading("About the visit"), key_value_table([
        ("Provider", ctx.provider_name),
        ("Setting", record.setting_name),
        ("URN", record.urn or "Not recorded"),
        ("Address", ctx.setting_address or "Not recorded"),
        ("Visit date", date_long(form.visit_date)),
        ("Type of visit", form.visit_type.label if form.visit_type else "Not recorded"),
        ("Officers", _officers(record, ctx)),
        ("People we spoke to", people_spoken_to(form)),
    ])]

    overall = judgement_text(form.overall_judgement)
    story += [heading("Overall judgement"),
              Paragraph(f"Overall, we judged {style.markup(record.setting_name)} to be: "
                        f"<b>{style.markup(overall)}</b>.", st.body)]
    story += paragraphs(form.summary, blank="No summary recorded.")

    if form.areas:
        rows: list[list[str | Flowable | None]] = [
            [str(n), a.area, judgement_text(a.judgement)]
            for n, a in enumerate(form.areas, start=1)]
        tints = [("BACKGROUND", (2, n), (2, n), style.judgement_tint(a.judgement))
                 for n, a in enumerate(form.areas, start=1)]
        story += [heading("Judgements by area"),
                  tables.plain_table(["No.", "Area", "Judgement"], rows,
                                     widths=[12 * mm, CONTENT_WIDTH - 62 * mm, 50 * mm],
                                     extra=tints),
                  heading("What we found")]
        for n, area in enumerate(form.areas, start=1):
            story.append(heading(f"{n}. {area.area}", sub=True))
            story.append(Paragraph(f"Judgement: <b>{style.markup(judgement_text(area.judgement))}"
                                   "</b>", keep))
            story += paragraphs(area.evidence, blank="No evidence notes recorded.")
    else:
        story += [heading("What we found"), para("No areas were recorded for this visit.")]

    story.append(heading("Actions"))
    if record.actions:
        story += [para("Please complete these actions by the dates shown."),
                  tables.plain_table(["Action", "Owner", "Due", "Priority"],
                                     _action_rows(record.actions, ctx.owners),
                                     widths=[CONTENT_WIDTH - 90 * mm, 40 * mm, 25 * mm, 25 * mm])]
    else:
        story.append(para("We did not raise any actions at this visit."))

    signer = [ctx.lead_officer] if ctx.lead_officer else []
    signer.append("Quality assurance officer" if ctx.lead_officer else "Quality assurance team")
    if ctx.council != style.APP_NAME:
        signer.append(ctx.council)
    # The closing paragraph travels with the sign-off, so neither "Yours sincerely" nor the
    # signature ever stands alone on the last page.
    story.append(page_breaks.keep_together([
        heading("Next steps"),
        para("Please send us an update on each action by its due date, with any evidence "
             "that it is complete. If you think anything in this letter is wrong, tell us "
             "within 10 working days of the date of this letter and we will look at it "
             "again. Thank you for your time and openness during the visit."),
        Spacer(1, 2 * mm), para("Yours sincerely,"), Spacer(1, 8 * mm),
        para(signer[0], st.cell_bold), *(para(line, st.cell) for line in signer[1:])]))
    return story


def write_visit_letter(db: Database, visit_id: uuid.UUID,
                       path: str | os.PathLike[str], *, today: dt.date | None = None) -> Path:
    """Write the letter for a completed (or, marked DRAFT, in-progress) visit; returns the path.

    Raises :class:`~placement_desk.errors.UserError` for a visit that is planned,
    cancelled or gone, or when the file cannot be saved there.
    """
    record = load_visit(db, visit_id)
    if record.status not in (QaVisitStatus.DRAFT, QaVisitStatus.COMPLETED):
        raise UserError(f"This visit is {record.status.label.lower()}, so there are no "
                        "findings to write to the provider. Start and record the visit first.")
    with db.read() as session:
        ctx = _Context(session, record)
    printed = today or dt.date.today()
    info = DocumentInfo(
        title=f"QA visit letter: {record.setting_name}", council=ctx.council,
        printed_on=printed,
        draft_marking=DRAFT_MARKING if record.status == QaVisitStatus.DRAFT else None,
        subject=f"Quality assurance visit to {record.setting_name}",
        demo=style.demo_database(db))
    out = pdf_writer.write_pdf(path, info, _story(record, ctx, printed))
    report_written(db, "QA visit letter (PDF)", out, subject="qa_visit",
                   subject_id=str(visit_id))
    return out
