"""Forms for a child (by case reference, no names) and for one placement episode."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models import Child, PlacementEpisode
from ...models.enums import (
    CategoryOfNeed,
    CommissioningRoute,
    Ethnicity,
    LegalStatus,
    PlacementType,
    PlaceProvider,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    Sex,
)
from ...services.common.limits import max_length
from ...services.placements.episodes import (
    find_children,
    load_child,
    load_episode,
    save_child,
    save_episode,
    validate_child,
    validate_episode,
)
from ...services.placements.form_checks import ChildForm, EpisodeForm
from ..common.fields import fill
from ..common.form_base import (
    Combo,
    DateField,
    FormDialog,
    NumberField,
    code_combo,
    combo_value,
    set_combo,
)

URN_TIP = "Unique Reference Number given by Ofsted, e.g. SC469688"
UASC_TIP = "Unaccompanied asylum-seeking child"


def _text(edit: QLineEdit) -> str | None:
    return edit.text().strip() or None


class ChildDialog(FormDialog):
    def __init__(self, db: Database, today: dt.date,
                 child_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit child" if child_id else "New child", parent)
        self.db, self.today, self.child_id = db, today, child_id
        self.case_ref = QLineEdit()
        self.case_ref.setPlaceholderText(self.tr("The council's case reference, e.g. 566910"))
        self.case_ref.setMaxLength(max_length(Child.case_ref) or 40)
        self.date_of_birth = DateField(optional=True, label=self.tr("Date of birth"))
        self.sex = code_combo(Sex.choices(), blank=self.tr("Not recorded"))
        self.ethnicity = code_combo(Ethnicity.choices(), blank=self.tr("Not recorded"))
        self.uasc = QCheckBox(self.tr("Unaccompanied asylum-seeking child (UASC)"))
        self.disability = QCheckBox(self.tr("Has a disability"))
        self.legal_status = code_combo(LegalStatus.choices(), blank=self.tr("Not recorded"))
        self.home_postcode = QLineEdit()
        self.home_postcode.setMaxLength(max_length(Child.home_postcode) or 10)
        self.needs_level = NumberField(1, 5, optional=True, blank_text=self.tr("Not assessed"),
                                       what=self.tr("the needs level"))
        self.personal_adviser = QLineEdit()
        self.personal_adviser.setMaxLength(max_length(Child.personal_adviser) or 100)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        for key, label, widget, tip in (
                ("case_ref", self.tr("Case reference *"), self.case_ref,
                 self.tr("No names: the reference used on the SSDA903 return")),
                ("date_of_birth", self.tr("Date of birth"), self.date_of_birth, ""),
                ("sex", self.tr("Sex"), self.sex, ""),
                ("ethnicity", self.tr("Ethnicity"), self.ethnicity, ""),
                ("uasc", self.tr("UASC"), self.uasc, UASC_TIP),
                ("disability", self.tr("Disability"), self.disability, ""),
                ("legal_status", self.tr("Legal status"), self.legal_status, ""),
                ("home_postcode", self.tr("Home postcode"), self.home_postcode,
                 self.tr("Where the child lived before care; distances are measured from it")),
                ("needs_level", self.tr("Needs level (care leavers)"), self.needs_level,
                 self.tr("1 high needs … 5 ready for independent living with adviser "
                         "support")),
                ("personal_adviser", self.tr("Personal adviser"), self.personal_adviser, ""),
                ("notes", self.tr("Notes"), self.notes, "")):
            self.add_row(key, label, widget, tip)
        if child_id is not None:
            self._load(load_child(db, child_id))
        self.ready()

    def _load(self, f: ChildForm) -> None:
        self.row_version = f.row_version
        fill(self.case_ref, f.case_ref)
        self.date_of_birth.set_value(f.date_of_birth)
        set_combo(self.sex, f.sex.value if f.sex else "")
        set_combo(self.ethnicity, f.ethnicity)
        self.uasc.setChecked(f.uasc)
        self.disability.setChecked(f.disability)
        set_combo(self.legal_status, f.legal_status)
        fill(self.home_postcode, f.home_postcode)
        self.needs_level.set_value(f.needs_level)
        fill(self.personal_adviser, f.personal_adviser)
        self.notes.setPlainText(f.notes or "")

    def form(self) -> ChildForm:
        sex = combo_value(self.sex)
        return ChildForm(
            case_ref=self.case_ref.text(), date_of_birth=self.date_of_birth.value(),
            sex=Sex(sex) if sex else None, ethnicity=combo_value(self.ethnicity),
            uasc=self.uasc.isChecked(), disability=self.disability.isChecked(),
            legal_status=combo_value(self.legal_status), home_postcode=_text(self.home_postcode),
            needs_level=self.needs_level.value(),
            personal_adviser=_text(self.personal_adviser),
            notes=self.notes.toPlainText().strip() or None, row_version=self.row_version)

    def check(self) -> None:
        validate_child(self.db, self.form(), self.child_id, self.today)

    def store(self) -> uuid.UUID:
        return save_child(self.db, self.form(), self.today, self.child_id)

    def reload_saved(self) -> bool:
        if self.child_id is None:
            return False
        self._load(load_child(self.db, self.child_id))
        return True


class EpisodeDialog(FormDialog):
    """A placement episode with the SSDA903 fields, route and distance."""

    def __init__(self, db: Database, episode_id: uuid.UUID | None = None,
                 child_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit placement" if episode_id else "New placement", parent)
        self.db, self.episode_id = db, episode_id
        self.child = Combo()
        self.child.setEditable(True)
        self.child.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.child.lineEdit()
        assert line is not None  # an editable combo has its line edit
        self.child_text: QLineEdit = line
        self.child_text.setPlaceholderText(self.tr("Type a case reference"))
        self.child_text.textEdited.connect(self._find_children)
        self._find_children("")
        self.start_date = DateField()
        self.end_date = DateField(optional=True, label=self.tr("End date"))
        self.placement_type = code_combo(PlacementType.choices(), blank=self.tr("Choose…"))
        self.placement_type.setToolTip(self.tr(
            "SSDA903 PLACE code; care leavers' accommodation types are at the end"))
        self.urn = QLineEdit()
        self.urn.setMaxLength(max_length(PlacementEpisode.urn) or 20)
        self.place_provider = code_combo(PlaceProvider.choices(), blank=self.tr("Not recorded"))
        self.placement_postcode = QLineEdit()
        self.placement_postcode.setMaxLength(max_length(PlacementEpisode.placement_postcode)
                                             or 10)
        self.placement_postcode.setPlaceholderText(self.tr("Taken from the setting if blank"))
        self.distance_entered = QCheckBox(self.tr("Enter the distance by hand"))
        self.distance_miles = NumberField(0, 1000, decimals=1, suffix=self.tr("miles"),
                                          what=self.tr("the distance"))
        self.distance_miles.setEnabled(False)
        self.distance_entered.toggled.connect(self.distance_miles.setEnabled)
        self.route = code_combo(CommissioningRoute.choices(), blank=self.tr("Not recorded"),
                                show_code=False)
        self.route_reason = QPlainTextEdit()
        self.route_reason.setTabChangesFocus(True)
        self.route_reason.setFixedHeight(54)
        self.rne = code_combo(ReasonNewEpisode.choices(), blank=self.tr("Not recorded"))
        self.legal_status = code_combo(LegalStatus.choices(), blank=self.tr("Not recorded"))
        self.cin = code_combo(CategoryOfNeed.choices(), blank=self.tr("Not recorded"))
        self.rec = code_combo(ReasonCeased.choices(), blank=self.tr("Not ended"))
        self.reason_place_change = code_combo(ReasonPlaceChange.choices(),
                                              blank=self.tr("Not recorded"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(54)
        if not self.distance_miles.accessibleName():
            self.distance_miles.setAccessibleName(self.tr("Distance in miles"))
        for key, label, widget, tip in (
                ("child_id", self.tr("Child *"), self.child, ""),
                ("start_date", self.tr("Start (DECOM) *"), self.start_date, ""),
                ("end_date", self.tr("End (DEC)"), self.end_date, ""),
                ("placement_type", self.tr("Placement type *"), self.placement_type, ""),
                ("urn", self.tr("URN"), self.urn, URN_TIP),
                ("place_provider", self.tr("Provider (PLACE_PROVIDER)"), self.place_provider,
                 ""),
                ("placement_postcode", self.tr("Placement postcode"), self.placement_postcode,
                 ""),
                ("distance_entered", self.tr("Distance"), self.distance_entered,
                 self.tr("Worked out from the postcodes when both are in the lookup")),
                ("distance_miles", "", self.distance_miles, ""),
                ("commissioning_route", self.tr("Commissioning route"), self.route, ""),
                ("route_reason", self.tr("Why not an earlier route"), self.route_reason,
                 self.tr("Required for a spot purchase")),
                ("reason_new_episode", self.tr("Reason new episode (RNE)"), self.rne, ""),
                ("legal_status", self.tr("Legal status (LS)"), self.legal_status, ""),
                ("category_of_need", self.tr("Category of need (CIN)"), self.cin, ""),
                ("reason_ceased", self.tr("Reason ceased (REC)"), self.rec, ""),
                ("reason_place_change", self.tr("Reason for change"), self.reason_place_change,
                 ""),
                ("notes", self.tr("Notes"), self.notes, "")):
            self.add_row(key, label, widget, tip)
        self.child.currentIndexChanged.connect(self.revalidate)
        self.child_text.textChanged.connect(self.revalidate)
        if episode_id is not None:
            self._load(load_episode(db, episode_id))
        elif child_id is not None:
            self._select_child(child_id)
        self.ready()

    def _find_children(self, text: str) -> None:
        found = find_children(self.db, text)
        current = self.child.currentData()
        with QSignalBlocker(self.child):
            typed = self.child_text.text()
            self.child.clear()
            for choice in found:
                self.child.addItem(choice.case_ref, choice.id.hex)
            index = self.child.findData(current) if current else -1
            self.child.setCurrentIndex(index)
            self.child_text.setText(typed)

    def _select_child(self, child_id: uuid.UUID) -> None:
        # Item data are hex strings: Qt compares them by value, unlike Python objects.
        if self.child.findData(child_id.hex) < 0:
            # A child gone since the list was read leaves the field empty, which says so.
            with contextlib.suppress(ValidationError):
                self.child.addItem(load_child(self.db, child_id).case_ref, child_id.hex)
        self.child.setCurrentIndex(self.child.findData(child_id.hex))

    def _child_id(self) -> uuid.UUID | None:
        text = self.child_text.text().strip()
        index = self.child.findText(text)
        if index >= 0:
            data = self.child.itemData(index)
            return uuid.UUID(data) if isinstance(data, str) else None
        return None

    def _load(self, f: EpisodeForm) -> None:
        self.row_version = f.row_version
        if f.child_id:
            self._select_child(f.child_id)
        if f.start_date:
            self.start_date.set_value(f.start_date)
        self.end_date.set_value(f.end_date)
        set_combo(self.placement_type, f.placement_type)
        fill(self.urn, f.urn)
        set_combo(self.place_provider, f.place_provider)
        fill(self.placement_postcode, f.placement_postcode)
        self.distance_entered.setChecked(f.distance_entered)
        self.distance_miles.set_value(f.distance_miles)
        set_combo(self.route, f.commissioning_route.value if f.commissioning_route else "")
        self.route_reason.setPlainText(f.route_reason or "")
        set_combo(self.rne, f.reason_new_episode)
        set_combo(self.legal_status, f.legal_status)
        set_combo(self.cin, f.category_of_need)
        set_combo(self.rec, f.reason_ceased)
        set_combo(self.reason_place_change, f.reason_place_change)
        self.notes.setPlainText(f.notes or "")

    def form(self) -> EpisodeForm:
        route = combo_value(self.route)
        return EpisodeForm(
            child_id=self._child_id(), start_date=self.start_date.value(),
            end_date=self.end_date.value(),
            placement_type=combo_value(self.placement_type) or "",
            reason_new_episode=combo_value(self.rne), legal_status=combo_value(self.legal_status),
            category_of_need=combo_value(self.cin), place_provider=combo_value(
                self.place_provider), reason_ceased=combo_value(self.rec),
            reason_place_change=combo_value(self.reason_place_change),
            placement_postcode=_text(self.placement_postcode), urn=_text(self.urn),
            distance_miles=self.distance_miles.value()
            if self.distance_entered.isChecked() else None,
            distance_entered=self.distance_entered.isChecked(),
            commissioning_route=CommissioningRoute(route) if route else None,
            route_reason=self.route_reason.toPlainText().strip() or None,
            notes=self.notes.toPlainText().strip() or None, row_version=self.row_version)

    def check(self) -> None:
        validate_episode(self.db, self.form(), self.episode_id)

    def store(self) -> uuid.UUID:
        return save_episode(self.db, self.form(), self.episode_id)

    def reload_saved(self) -> bool:
        if self.episode_id is None:
            return False
        self._load(load_episode(self.db, self.episode_id))
        return True
