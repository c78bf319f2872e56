"""The Individual Placement Agreement (IPA) as a PDF, ready for both parties to sign.

One version of an agreement: the parties, the setting, the child (by reference only,
never by name), the fee and additional services, the funding split, outcomes,
invoicing, notice and special conditions, the signing record and signature blocks.
A draft version is marked "DRAFT – not for signature" on every page.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer
from sqlalchemy import select

from ..db import Database
from ..errors import UserError
from ..models import AgreementVersion, Provider, Setting
from ..models.enums import AgreementStatus, PlacementType, ServiceCharge
from ..services.agreements.fees import round_half_up, service_weekly_pence
from ..services.agreements.ipa import ServiceLine
from ..services.agreements.ipa_detail import AgreementDetail, VersionView, agreement_detail
from ..services.common.formatting import date_long, date_short, money, weekly_money
from . import pdf_writer, style, tables
from .style import CONTENT_WIDTH, DocumentInfo, heading, para, paragraphs
from .tables import Signatory, key_value_table
from .written import report_written

__all__ = ["TITLE", "placement_type_text", "write_agreement_pdf"]

TITLE = "Individual Placement Agreement"
S = AgreementStatus


def placement_type_text(code: str | None) -> str:
    """"K2 – Children's home"; the code alone if it is not a known type."""
    if not code:
        return "Not recorded"
    try:
        return f"{code} – {PlacementType(code).label}"
    except ValueError:
        return code


def _hours(value: float | None) -> str:
    return f"{value or 0:g}"


def _service_rows(lines: list[ServiceLine]) -> list[list[str | Flowable | None]]:
    rows: list[list[str | Flowable | None]] = []
    for line in lines:
        if line.charge == ServiceCharge.HOURLY:
            how = (f"{_hours(line.hours_per_week)} hours per week × "
                   f"{money(line.rate_pence or 0)} an hour")
            cost = weekly_money(service_weekly_pence(line))
        elif line.charge == ServiceCharge.WEEKLY:
            how, cost = "Fixed weekly cost", weekly_money(line.amount_pence or 0)
        else:
            how, cost = "One-off cost", f"{money(line.amount_pence or 0)} once"
        if line.start_date or line.end_date:
            dates = (f"{date_short(line.start_date, 'Start of placement')} to "
                     f"{date_short(line.end_date, 'end of placement')}")
        else:
            dates = "Whole placement"
        rows.append([line.description, how, dates, cost])
    return rows


def _percent(bp: int) -> str:
    return f"{bp / 100:g}%"


def _funding_rows(version: VersionView) -> list[list[str | Flowable | None]]:
    total = version.weekly_cost_pence
    health = round_half_up(total * (version.terms["funding_health_bp"] or 0), 10000)
    education = round_half_up(total * (version.terms["funding_education_bp"] or 0), 10000)
    shares = [("Social care", version.terms["funding_social_care_bp"] or 0,
               total - health - education),
              ("Health", version.terms["funding_health_bp"] or 0, health),
              ("Education", version.terms["funding_education_bp"] or 0, education)]
    rows: list[list[str | Flowable | None]] = [
        [name, _percent(bp), weekly_money(pence)] for name, bp, pence in shares]
    rows.append(["Total", "100%", weekly_money(total)])
    return rows


def _signing_rows(version: VersionView) -> list[list[str | Flowable | None]]:
    stamps = version.stamps
    steps = (("Issued to provider", "issued_at", "issued_by", None),
             ("Signed by provider", "provider_signed_at", "provider_signed_by",
              "provider_signed_role"),
             ("Signed by council", "council_signed_at", "council_signed_by",
              "council_signed_role"),
             ("Came into force", "activated_at", None, None),
             ("Ended", "ended_at", None, None))
    rows: list[list[str | Flowable | None]] = []
    for label, when_key, who_key, role_key in steps:
        when = stamps.get(when_key)
        if when is None:
            continue
        if label == "Ended" and version.status == S.SUPERSEDED:
            label = "Superseded by a variation"
        who = ", ".join(str(part) for part in (stamps.get(who_key) if who_key else None,
                                               stamps.get(role_key) if role_key else None)
                        if part)
        rows.append([label, who, date_short(when.date())])
    return rows


def _signed_on(version: VersionView, key: str) -> dt.date | None:
    when = version.stamps.get(key)
    return when.date() if isinstance(when, dt.datetime) else None


def _story(detail: AgreementDetail, version: VersionView, council: str, provider: str,
           setting: Setting | None) -> list[Flowable]:
    st = style.styles()
    terms = version.terms
    story: list[Flowable] = [
        Paragraph(TITLE, st.title),
        para(f"Agreement {detail.reference} · version {version.version_no} · "
             f"{version.status.label}", st.subtitle),
    ]
    if version.status == S.DRAFT:
        story.append(style.banner(f"{style.DRAFT_FOR_SIGNATURE}. These terms are still being "
                                  "agreed and may change."))
    story.append(para(f"This agreement sets out the terms on which {provider} provides care "
                      f"for the child named below, placed by {council}. It forms part of "
                      "the contract between the parties, and the child's care plan and "
                      "placement plan sit alongside it."))

    story += [heading("1. The parties"), key_value_table([
        ("Council", council),
        ("Provider (legal entity)", provider),
        ("Setting", setting.name if setting else "Not recorded"),
        ("URN", (setting.urn if setting else None) or "Not recorded"),
        ("Setting address", _address(setting)),
        ("Child reference", detail.child_ref or "Not recorded"),
    ]), para("The child is identified by reference only; the provider receives the child's "
             "details with the placement plan.", st.small)]

    if version.version_no > 1:
        story += [heading("This variation"), key_value_table([
            ("Version", str(version.version_no)),
            ("Effective date", date_long(version.effective_date)),
            ("Reason for the variation", version.variation_reason or "Not recorded"),
        ]), para(f"From {date_long(version.effective_date)} these terms replace those of "
                 f"version {version.version_no - 1}.", st.small)]

    story += [heading("2. The placement"), key_value_table([
        ("Start date", date_long(terms["start_date"])),
        ("End date", date_long(terms["end_date"], blank="Not fixed: until ended by notice")),
        ("Placement type", placement_type_text(terms["placement_type"])),
        ("Weekly fee", weekly_money(terms["weekly_fee_pence"] or 0)),
        ("Status", version.status.label),
    ])]

    story.append(heading("3. Additional services"))
    if version.services:
        rows = _service_rows(version.services)
        rows.append(["Total weekly cost (fee and weekly services)", "", "",
                     weekly_money(version.weekly_cost_pence)])
        extra: list[tuple[object, ...]] = [("SPAN", (0, -1), (2, -1))]
        if version.one_off_pence:
            rows.append(["One-off costs", "", "", f"{money(version.one_off_pence)} once"])
            extra = [("SPAN", (0, -2), (2, -2)), ("SPAN", (0, -1), (2, -1))]
        story.append(tables.plain_table(
            ["Service", "How it is charged", "Dates", "Cost"], rows,
            widths=[52 * mm, 45 * mm, 33 * mm, CONTENT_WIDTH - 130 * mm], right=(3,),
            total_rows=2 if version.one_off_pence else 1, extra=extra))
    else:
        story.append(para("No additional services. The total weekly cost is the weekly fee: "
                          f"{weekly_money(version.weekly_cost_pence)}."))

    story.append(KeepTogether([
        heading("4. Funding"),
        para("The weekly cost is shared between the council's budgets as follows."),
        tables.plain_table(["Budget", "Share", "Weekly amount"], _funding_rows(version),
                           widths=[70 * mm, 30 * mm, CONTENT_WIDTH - 100 * mm],
                           right=(1, 2), total_rows=1)]))

    story.append(heading("5. Outcomes to achieve"))
    story += paragraphs(terms["outcomes"], blank="No outcomes recorded yet.")

    story += [heading("6. Invoicing"), key_value_table([
        ("Invoicing reference", terms["invoicing_reference"] or "Not recorded"),
        ("Quote on every invoice", f"{detail.reference} and child reference "
                                   f"{detail.child_ref or 'as above'}"),
    ])]
    story.append(heading("7. Notice"))
    story += paragraphs(terms["notice_terms"], blank="No notice terms recorded.")
    story.append(heading("8. Special conditions"))
    story += paragraphs(terms["special_conditions"], blank="None.")

    story.append(heading("9. Signing record"))
    signing = _signing_rows(version)
    if signing:
        story.append(tables.plain_table(["Step", "By", "Date"], signing,
                                        widths=[60 * mm, 75 * mm, CONTENT_WIDTH - 135 * mm]))
    else:
        story.append(para("Not yet issued to the provider."))

    story.append(tables.signatures(
        [Signatory(provider, name=version.stamps.get("provider_signed_by"),
                   role=version.stamps.get("provider_signed_role"),
                   signed_on=_signed_on(version, "provider_signed_at")),
         Signatory(council, name=version.stamps.get("council_signed_by"),
                   role=version.stamps.get("council_signed_role"),
                   signed_on=_signed_on(version, "council_signed_at"))],
        before=[heading("10. Signatures"),
                para(f"By signing, each party agrees to the terms of agreement "
                     f"{detail.reference}, version {version.version_no}."),
                Spacer(1, 2 * mm)]))
    return story


def _address(setting: Setting | None) -> str:
    if setting is None:
        return "Not recorded"
    parts = [setting.address1, setting.address2, setting.town, setting.county, setting.postcode]
    return ", ".join(p.strip() for p in parts if p and p.strip()) or "Not recorded"


def _read(db: Database, version_id: uuid.UUID
          ) -> tuple[AgreementDetail, VersionView, str, str, Setting | None]:
    with db.read() as session:
        agreement_id = session.scalar(select(AgreementVersion.agreement_id)
                                      .where(AgreementVersion.id == version_id))
    if agreement_id is None:
        raise UserError("This agreement version is no longer in the database, so it cannot be "
                        "printed. Refresh the list and try again.")
    detail = agreement_detail(db, agreement_id)
    version = next(v for v in detail.versions if v.id == version_id)
    with db.read() as session:
        setting = session.get(Setting, detail.setting_id) if detail.setting_id else None
        provider_row = (session.get(Provider, setting.provider_id)
                        if setting is not None and setting.provider_id else None)
        council = style.council_name(session, detail.council_name)
        provider = ((detail.provider_legal_entity or "").strip()
                    or (provider_row.legal_name or provider_row.name if provider_row else "")
                    or (setting.owner_name if setting else None) or "the provider")
        if setting is not None:
            session.expunge(setting)
    return detail, version, council, provider, setting


def write_agreement_pdf(db: Database, version_id: uuid.UUID,
                        path: str | os.PathLike[str], *, today: dt.date | None = None) -> Path:
    """Write one version of an agreement as a PDF at ``path``; returns the path.

    Raises :class:`~placement_desk.errors.UserError` if the version is gone or the
    file cannot be saved there (nothing is left half-written). The audit trail notes the
    print against the agreement.
    """
    detail, version, council, provider, setting = _read(db, version_id)
    draft = style.DRAFT_FOR_SIGNATURE if version.status == S.DRAFT else None
    info = DocumentInfo(title=f"{TITLE} {detail.reference} v{version.version_no}",
                        council=council, printed_on=today or dt.date.today(),
                        draft_marking=draft,
                        subject=f"Placement agreement for child {detail.child_ref}",
                        demo=style.demo_database(db))
    out = pdf_writer.write_pdf(path, info, _story(detail, version, council, provider, setting))
    report_written(db, "placement agreement (PDF)", out, subject="agreement",
                   subject_id=str(detail.id))
    return out
