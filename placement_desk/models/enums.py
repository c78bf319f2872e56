"""Every enumeration of the domain, each value with its plain-English label.

Values are what is stored in the database (short, stable codes; the SSDA903 codes
exactly as the return spells them); labels are what users read. Columns store the
value as text, so adding a value never needs a schema change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self


class LabelledEnum(StrEnum):
    """A string enumeration whose members carry a label and an optional group."""

    label: str
    group: str

    def __new__(cls, value: str, label: str = "", group: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value
        obj.group = group
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs in declaration order, for combo boxes."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def parse(cls, text: Any) -> Self | None:
        """Find a member by value or label, ignoring case and spacing; None if blank."""
        if text is None:
            return None
        key = " ".join(str(text).split()).casefold()
        if not key:
            return None
        for member in cls:
            if key in (member.value.casefold(), member.label.casefold()):
                return member
        raise ValueError(f"{text!r} is not a known {cls.__name__} value")


# --- Ofsted --------------------------------------------------------------------

class Judgement(LabelledEnum):
    """Ofsted's overall or sub-judgements, older words included."""

    OUTSTANDING = ("outstanding", "Outstanding", "good_or_better")
    GOOD = ("good", "Good", "good_or_better")
    REQUIRES_IMPROVEMENT = ("requires_improvement", "Requires improvement to be good", "below")
    REQUIRES_IMPROVEMENT_OLD = ("requires_improvement_old", "Requires improvement", "below")
    ADEQUATE = ("adequate", "Adequate", "below")
    SATISFACTORY = ("satisfactory", "Satisfactory", "below")
    INADEQUATE = ("inadequate", "Inadequate", "inadequate")
    # Interim inspections of children's homes
    IMPROVED = ("improved", "Improved effectiveness", "interim")
    SUSTAINED = ("sustained", "Sustained effectiveness", "interim")
    DECLINED = ("declined", "Declined in effectiveness", "interim")
    # Supported accommodation, regulated from 2023
    SA_STRONG = ("sa_strong", "Consistently strong service delivery", "good_or_better")
    SA_INCONSISTENT = ("sa_inconsistent", "Inconsistent quality of service delivery", "below")
    SA_SERIOUS = ("sa_serious", "Serious or widespread weaknesses", "inadequate")

    @property
    def rank(self) -> int:
        """Higher is better; used to tell upgrades from downgrades."""
        return _JUDGEMENT_RANK[self.value]


_JUDGEMENT_RANK = {
    "outstanding": 4, "good": 3, "sa_strong": 3,
    "requires_improvement": 2, "requires_improvement_old": 2, "adequate": 2,
    "satisfactory": 2,
    "sa_inconsistent": 2, "inadequate": 1, "sa_serious": 1,
    "improved": 0, "sustained": 0, "declined": 0,
}


class SettingType(LabelledEnum):
    CHILDRENS_HOME = ("childrens_home", "Children's home", "regulated")
    SECURE_CHILDRENS_HOME = ("secure_childrens_home", "Secure children's home", "regulated")
    IFA = ("ifa", "Independent fostering agency", "regulated")
    LA_FOSTERING = ("la_fostering", "Local authority fostering service", "regulated")
    SUPPORTED_ACCOMMODATION = ("supported_accommodation", "Supported accommodation", "regulated")
    RESIDENTIAL_FAMILY_CENTRE = ("residential_family_centre", "Residential family centre",
                                 "regulated")
    RESIDENTIAL_SPECIAL_SCHOOL = ("residential_special_school", "Residential special school",
                                  "regulated")
    ADOPTION_AGENCY = ("adoption_agency", "Voluntary adoption agency", "regulated")
    HOLIDAY_SCHEME = ("holiday_scheme", "Holiday scheme for disabled children", "regulated")
    OTHER_REGULATED = ("other_regulated", "Other registered provision", "regulated")
    SEMI_INDEPENDENT = ("semi_independent", "Semi-independent accommodation", "unregulated")
    SUPPORTED_LODGINGS = ("supported_lodgings", "Supported lodgings", "unregulated")
    STAYING_PUT = ("staying_put", "Staying Put (former foster carers)", "unregulated")
    OTHER_UNREGULATED = ("other_unregulated", "Other unregulated provision", "unregulated")


class Sector(LabelledEnum):
    PRIVATE = ("private", "Private")
    LOCAL_AUTHORITY = ("local_authority", "Local authority")
    VOLUNTARY = ("voluntary", "Voluntary")
    HEALTH_AUTHORITY = ("health_authority", "Health authority")
    ACADEMY = ("academy", "Academy")
    OTHER = ("other", "Other")


class RegistrationStatus(LabelledEnum):
    """Ofsted's registration statuses; the group says whether the setting is registered
    ("registered"), has left the register ("closed"), or neither."""

    ACTIVE = ("active", "Active", "registered")
    SUSPENDED = ("suspended", "Suspended", "registered")
    RESIGNED = ("resigned", "Resigned", "closed")
    CANCELLED = ("cancelled", "Cancelled", "closed")
    CLOSED = ("closed", "Closed", "closed")
    # Missing from a newer full provider-level file, which does not say why.
    NO_LONGER_REGISTERED = ("no_longer_registered", "No longer registered", "closed")
    PROPOSED = ("proposed", "Proposed")
    NOT_REGISTERED = ("not_registered", "Unregulated")


class InspectionEventType(LabelledEnum):
    FULL = ("full", "Full inspection")
    INTERIM = ("interim", "Interim inspection")
    MONITORING = ("monitoring", "Monitoring inspection")
    ASSURANCE = ("assurance", "Assurance visit")
    FOCUSED = ("focused", "Focused visit")
    OTHER = ("other", "Other inspection event")


class AlertKind(LabelledEnum):
    DOWNGRADE = ("downgrade", "Downgrade")
    SUSPENSION = ("suspension", "Suspension")
    CLOSURE = ("closure", "Closure")


class RiskLevel(LabelledEnum):
    HIGH = ("high", "High")
    MEDIUM = ("medium", "Medium")
    LOW = ("low", "Low")


# --- SSDA903 ---------------------------------------------------------------------

class Sex(LabelledEnum):
    """The child's sex. The return wrote 1 and 2 before 2024-25 and M, F and U from then:
    both are stored as these values, and written back in the code set of the year."""

    MALE = ("1", "Male")
    FEMALE = ("2", "Female")
    NOT_KNOWN = ("U", "Not known")


class Ethnicity(LabelledEnum):
    WBRI = ("WBRI", "White British", "White")
    WIRI = ("WIRI", "White Irish", "White")
    WOTH = ("WOTH", "Any other White background", "White")
    WIRT = ("WIRT", "Traveller of Irish heritage", "White")
    WROM = ("WROM", "Gypsy/Roma", "White")
    MWBC = ("MWBC", "White and Black Caribbean", "Mixed")
    MWBA = ("MWBA", "White and Black African", "Mixed")
    MWAS = ("MWAS", "White and Asian", "Mixed")
    MOTH = ("MOTH", "Any other mixed background", "Mixed")
    AIND = ("AIND", "Indian", "Asian")
    APKN = ("APKN", "Pakistani", "Asian")
    ABAN = ("ABAN", "Bangladeshi", "Asian")
    AOTH = ("AOTH", "Any other Asian background", "Asian")
    BCRB = ("BCRB", "Caribbean", "Black")
    BAFR = ("BAFR", "African", "Black")
    BOTH = ("BOTH", "Any other Black background", "Black")
    CHNE = ("CHNE", "Chinese", "Other")
    OOTH = ("OOTH", "Any other ethnic group", "Other")
    REFU = ("REFU", "Refused", "Not known")
    NOBT = ("NOBT", "Information not yet obtained", "Not known")


class ReasonNewEpisode(LabelledEnum):
    S = ("S", "Started to be looked after")
    L = ("L", "Change of legal status only")
    P = ("P", "Change of placement and carer(s) only")
    T = ("T", "Change of placement only, with the same carer(s)")
    U = ("U", "Change of legal status and placement and carer(s)")
    B = ("B", "Change of legal status and placement, with the same carer(s)")


class LegalStatus(LabelledEnum):
    C1 = ("C1", "Interim care order")
    C2 = ("C2", "Full care order")
    D1 = ("D1", "Freeing order granted")
    E1 = ("E1", "Placement order granted")
    J1 = ("J1", "Remanded to local authority accommodation or youth detention")
    J2 = ("J2", "Under police protection and in local authority accommodation (PACE)")
    J3 = ("J3", "Sentenced to a youth rehabilitation order with residence requirement")
    L1 = ("L1", "Under police protection")
    L2 = ("L2", "Emergency protection order")
    L3 = ("L3", "Child assessment order")
    V2 = ("V2", "Single period of accommodation under section 20")
    V3 = ("V3", "Accommodated under an agreed series of short-term breaks (individual)")
    V4 = ("V4", "Accommodated under an agreed series of short-term breaks (multiple)")


class CategoryOfNeed(LabelledEnum):
    N1 = ("N1", "Abuse or neglect")
    N2 = ("N2", "Child's disability")
    N3 = ("N3", "Parental illness or disability")
    N4 = ("N4", "Family in acute stress")
    N5 = ("N5", "Family dysfunction")
    N6 = ("N6", "Socially unacceptable behaviour")
    N7 = ("N7", "Low income")
    N8 = ("N8", "Absent parenting")


class PlacementType(LabelledEnum):
    """SSDA903 PLACE codes, both code sets, plus care leavers' accommodation.

    ``group`` is the reporting group. Which codes each collection year accepts is for the
    SSDA903 rules to say (``services.placements.ssda903.years``): K3 arrived in 2024-25,
    and in 2025-26 H5 and P2 went and Z1 was split into Z11 to Z14.
    """

    U1 = ("U1", "Foster placement with relative or friend, long term", "Fostering")
    U2 = ("U2", "Foster placement with relative or friend, FFA or concurrent", "Fostering")
    U3 = ("U3", "Foster placement with relative or friend, not long term or FFA", "Fostering")
    U4 = ("U4", "Foster placement with other foster carer, long term", "Fostering")
    U5 = ("U5", "Foster placement with other foster carer, FFA or concurrent", "Fostering")
    U6 = ("U6", "Foster placement with other foster carer, not long term or FFA", "Fostering")
    A3 = ("A3", "Placed for adoption with consent, with former foster carer", "Adoption")
    A4 = ("A4", "Placed for adoption with consent, not with former foster carer", "Adoption")
    A5 = ("A5", "Placed for adoption with placement order, with former foster carer",
          "Adoption")
    A6 = ("A6", "Placed for adoption with placement order, not with former foster carer",
          "Adoption")
    K1 = ("K1", "Secure children's home", "Secure")
    K2 = ("K2", "Children's home", "Children's homes")
    K3 = ("K3", "Registered supported accommodation", "Supported accommodation")
    H5 = ("H5", "Semi-independent living accommodation not subject to regulation",
          "Supported accommodation")
    P1 = ("P1", "Placed with own parent(s) or person with parental responsibility",
          "With parents")
    P2 = ("P2", "Independent living", "Independent living")
    P3 = ("P3", "Residential employment", "Other")
    R1 = ("R1", "Residential care home", "Other residential")
    R2 = ("R2", "NHS/health trust or other establishment providing medical or nursing care",
          "Other residential")
    R3 = ("R3", "Family centre or mother and baby unit", "Other residential")
    R5 = ("R5", "Young offender institution or prison", "Custody")
    S1 = ("S1", "All residential schools, except where dual-registered as a school and "
          "children's home", "Residential schools")
    T0 = ("T0", "Temporary: all types of temporary move", "Temporary")
    T1 = ("T1", "Temporary: periods in hospital", "Temporary")
    T2 = ("T2", "Temporary: holiday", "Temporary")
    T3 = ("T3", "Temporary: accommodation whilst normal carer is unavailable", "Temporary")
    T4 = ("T4", "Temporary: other", "Temporary")
    Z1 = ("Z1", "Other placements (before 2025-26)", "Other")
    Z11 = ("Z11", "Other placements: code Z11 (from 2025-26)", "Other")
    Z12 = ("Z12", "Other placements: code Z12 (from 2025-26)", "Other")
    Z13 = ("Z13", "Other placements: code Z13 (from 2025-26)", "Other")
    Z14 = ("Z14", "Other placements: code Z14 (from 2025-26)", "Other")
    # Care leavers (18–25): outside the 903 codes
    CL_STAYING_PUT = ("CL_SP", "Staying Put with former foster carers", "Care leavers")
    CL_SUPPORTED_LODGINGS = ("CL_SL", "Supported lodgings", "Care leavers")
    CL_SEMI_IND_FRAMEWORK = ("CL_SIF", "Semi-independent accommodation (framework)",
                             "Care leavers")
    CL_SEMI_IND_OFF = ("CL_SIO", "Semi-independent accommodation (off framework)",
                       "Care leavers")
    CL_SA_CONTRACT = ("CL_SAC", "Supported accommodation contract", "Care leavers")
    CL_FLOATING = ("CL_FS", "Floating support", "Care leavers")
    CL_QUOTA = ("CL_QH", "Council quota housing", "Care leavers")
    CL_INDEPENDENT = ("CL_IL", "Independent living", "Care leavers")

    @property
    def is_care_leaver(self) -> bool:
        return self.value.startswith("CL_")


_FROM_2025_26 = frozenset({"Z11", "Z12", "Z13", "Z14"})
PLACE_CODES_BEFORE_2025 = frozenset(
    m.value for m in PlacementType
    if not m.is_care_leaver and m.value != "K3" and m.value not in _FROM_2025_26
)
"""The return's PLACE codes before 2024-25 (each year's own list is in the SSDA903 rules)."""
PLACE_CODES_FROM_2025 = frozenset(
    m.value for m in PlacementType if not m.is_care_leaver and m.value not in ("H5", "P2", "Z1")
)
"""The return's PLACE codes from 2025-26."""


class PlaceProvider(LabelledEnum):
    PR0 = ("PR0", "Parent(s) or other person with parental responsibility")
    PR1 = ("PR1", "Own provision (by the council)")
    PR2 = ("PR2", "Other local authority provision")
    PR3 = ("PR3", "Other public provision (e.g. a PCT)")
    PR4 = ("PR4", "Private provision")
    PR5 = ("PR5", "Voluntary/third sector provision")


class ReasonCeased(LabelledEnum):
    E11 = ("E11", "Adopted: application unopposed")
    E12 = ("E12", "Adopted: consent dispensed with by the court")
    E2 = ("E2", "Died")
    E3 = ("E3", "Care taken over by another local authority")
    E41 = ("E41", "Residence order or child arrangements order granted")
    E45 = ("E45", "Special guardianship order: former foster carers")
    E46 = ("E46", "Special guardianship order: carers other than former foster carers")
    E47 = ("E47", "Special guardianship order: relatives or friends (not foster carers)")
    E48 = ("E48", "Special guardianship order: other relatives or friends")
    E4A = ("E4A", "Returned home to live with parents as part of the care plan")
    E4B = ("E4B", "Returned home to live with parents not as part of the care plan")
    E13 = ("E13", "Left care to live with parents or relatives")
    E5 = ("E5", "Moved into independent living with supportive accommodation")
    E6 = ("E6", "Moved into independent living with no formal support")
    E7 = ("E7", "Transferred to residential care funded by adult social care")
    E9 = ("E9", "Sentenced to custody")
    E14 = ("E14", "Accommodation on remand ended")
    E15 = ("E15", "Age assessment determined the child is 18 or over")
    E16 = ("E16", "Child moved abroad")
    E17 = ("E17", "Aged 18 or over and remained with current carers")
    E8 = ("E8", "Period of care ceased for any other reason")
    X1 = ("X1", "Episode ceases, and new episode begins on the same day")


class ReasonPlaceChange(LabelledEnum):
    CARPL = ("CARPL", "Change to or implementation of the care plan")
    CLOSE = ("CLOSE", "Resignation or closure of the provider")
    ALLEG = ("ALLEG", "Allegation (s47)")
    STAND = ("STAND", "Standards of care concern")
    APPRR = ("APPRR", "Approval removed")
    CREQB = ("CREQB", "Carer requests placement end due to the child's behaviour")
    CREQO = ("CREQO", "Carer requests placement end, other than the child's behaviour")
    CHILD = ("CHILD", "Child requests placement end")
    LAREQ = ("LAREQ", "Local authority requests placement end")
    PLACE = ("PLACE", "Change in the status of the placement only")
    CUSTOD = ("CUSTOD", "Custody arrangement")
    OTHER = ("OTHER", "Other")


class CommissioningRoute(LabelledEnum):
    """How a placement was bought, in the order councils try them."""

    IN_HOUSE = ("in_house", "In-house")
    BLOCK = ("block", "Block contract")
    FRAMEWORK = ("framework", "Framework or DPS")
    REGIONAL = ("regional", "Regional arrangement")
    SPOT = ("spot", "Spot purchase")


# --- Agreements --------------------------------------------------------------------

class AgreementStatus(LabelledEnum):
    DRAFT = ("draft", "Draft")
    ISSUED = ("issued", "Issued to provider")
    PROVIDER_SIGNED = ("provider_signed", "Signed by provider")
    COUNCIL_SIGNED = ("council_signed", "Signed by council")
    ACTIVE = ("active", "Active")
    ENDED = ("ended", "Ended")
    SUPERSEDED = ("superseded", "Superseded by a variation")


class ServiceCharge(LabelledEnum):
    HOURLY = ("hourly", "Hours × rate per week")
    WEEKLY = ("weekly", "Fixed weekly cost")
    ONE_OFF = ("one_off", "One-off cost")


# --- QA, actions, documents ----------------------------------------------------------

class QaVisitType(LabelledEnum):
    ANNOUNCED = ("announced", "Announced")
    UNANNOUNCED = ("unannounced", "Unannounced")
    DESKTOP = ("desktop", "Desktop review")
    VIRTUAL = ("virtual", "Virtual")


class QaVisitStatus(LabelledEnum):
    PLANNED = ("planned", "Planned")
    DRAFT = ("draft", "In progress")
    COMPLETED = ("completed", "Completed")
    CANCELLED = ("cancelled", "Cancelled")


class QaJudgement(LabelledEnum):
    OUTSTANDING = ("outstanding", "Outstanding")
    GOOD = ("good", "Good")
    REQUIRES_IMPROVEMENT = ("requires_improvement", "Requires improvement")
    INADEQUATE = ("inadequate", "Inadequate")
    NOT_ASSESSED = ("not_assessed", "Not assessed")


class ActionStatus(LabelledEnum):
    OPEN = ("open", "Open")
    IN_PROGRESS = ("in_progress", "In progress")
    DONE = ("done", "Done")
    OVERDUE = ("overdue", "Overdue")
    CANCELLED = ("cancelled", "Cancelled")


class ActionPriority(LabelledEnum):
    HIGH = ("high", "High")
    MEDIUM = ("medium", "Medium")
    LOW = ("low", "Low")


class ActionSource(LabelledEnum):
    QA_VISIT = ("qa_visit", "QA visit")
    CONTRACT_REVIEW = ("contract_review", "Contract review")
    CONTRACT = ("contract", "Contract")
    RATING_ALERT = ("rating_alert", "Rating alert")
    MANUAL = ("manual", "Recorded by hand")


class ConcernKind(LabelledEnum):
    SAFEGUARDING = ("safeguarding", "Safeguarding allegation")
    COMPLAINT = ("complaint", "Complaint")
    MISSING = ("missing", "Missing episode")
    VIABILITY = ("viability", "Business viability")
    OTHER = ("other", "Other concern")


class DocumentKind(LabelledEnum):
    REGISTRATION_CERTIFICATE = ("registration_certificate", "Registration certificate")
    INSURANCE = ("insurance", "Insurance")
    STATEMENT_OF_PURPOSE = ("statement_of_purpose", "Statement of purpose")
    ACCOUNTS = ("accounts", "Latest accounts")
    SAFEGUARDING_POLICY = ("safeguarding_policy", "Safeguarding policy")
    DBS_CHECKS = ("dbs_checks", "DBS checks")
    OTHER = ("other", "Other")


# --- Contracts ------------------------------------------------------------------------

class ContractType(LabelledEnum):
    BLOCK = ("block", "Block contract")
    FRAMEWORK = ("framework", "Framework agreement")
    DPS = ("dps", "Dynamic purchasing system")
    REGIONAL = ("regional", "Regional arrangement")
    SPOT = ("spot", "Spot agreement")
    IN_HOUSE_SLA = ("in_house_sla", "In-house service level agreement")


class ReviewStatus(LabelledEnum):
    PLANNED = ("planned", "Planned")
    DRAFT = ("draft", "In progress")
    SIGNED_OFF = ("signed_off", "Signed off")
    CANCELLED = ("cancelled", "Cancelled")


class Rag(LabelledEnum):
    """A red, amber or green rating; always shown with its word, never by colour alone."""

    RED = ("red", "Red")
    AMBER = ("amber", "Amber")
    GREEN = ("green", "Green")


class ExtensionStatus(LabelledEnum):
    OPEN = ("open", "Not yet decided")
    TAKEN = ("taken", "Taken")
    DECLINED = ("declined", "Not taken")


class ContractDocumentKind(LabelledEnum):
    CONTRACT = ("contract", "Signed contract")
    SPECIFICATION = ("specification", "Service specification")
    PRICING = ("pricing", "Pricing schedule")
    VARIATION = ("variation", "Variation")
    EXTENSION = ("extension", "Extension letter")
    OTHER = ("other", "Other")


class RelationshipTier(LabelledEnum):
    """How close the council works with a provider, from a one-off purchase upwards."""

    TRANSACTIONAL = ("transactional", "Transactional")
    FRAMEWORK_PROVIDER = ("framework_provider", "Framework provider")
    KEY_PARTNER = ("key_partner", "Key partner")
    STRATEGIC_PARTNER = ("strategic_partner", "Strategic partner")

    @property
    def rank(self) -> int:
        """0 for transactional up to 3 for a strategic partner."""
        return list(type(self)).index(self)


class UserRole(LabelledEnum):
    VIEWER = ("viewer", "Viewer")
    PLACEMENT_OFFICER = ("placement_officer", "Placement officer")
    QA_OFFICER = ("qa_officer", "QA officer")
    MANAGER = ("manager", "Commissioning manager")
    ADMIN = ("admin", "Administrator")


class AuditAction(LabelledEnum):
    CREATE = ("create", "Created")
    UPDATE = ("update", "Changed")
    DELETE = ("delete", "Deleted")
    RESTORE = ("restore", "Restored")
    EXPORT = ("export", "Exported")
    PRINT = ("print", "Printed")
