"""factory_boy factories for the canonical models and users, shared by every test package.

Defaults are valid against the models' check constraints and describe an ordinary Reading pupil: an in-area
maintained mainstream primary, open episodes (no end date) starting on 1 September 2024.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry, User
from sendreform.experts.models import EahEngagement, EahInvolvement, EahReferral
from sendreform.inclusion.models import (
    ApCommission,
    ApProvider,
    Attendance,
    Exclusion,
    NeetActivity,
    PartTimeTimetable,
)
from sendreform.people.models import Cluster, Establishment, Person, SenNeed, SenStatus
from sendreform.places.models import PlannedPlaces, Population, UnitCost
from sendreform.statutory.models import AnnualReview, EhcAssessment, EhcPlan, EhcRequest, Placement
from sendreform.voice.models import Complaint, SurveyResponse, TribunalAppeal

START = dt.date(2024, 9, 1)
PASSWORD = "correct-horse-battery"


class ClusterFactory(DjangoModelFactory):
    class Meta:
        model = Cluster
        django_get_or_create = ("cluster_id",)

    cluster_id = factory.Sequence(lambda n: f"C{n:02d}")
    name = factory.Sequence(lambda n: f"Cluster {n}")


class EstablishmentFactory(DjangoModelFactory):
    class Meta:
        model = Establishment

    establishment_id = factory.Sequence(lambda n: f"E{n:04d}")
    urn = factory.Sequence(lambda n: 100000 + n)
    name = factory.Sequence(lambda n: f"Oakfield Primary School {n}")
    la_code = "870"
    phase = "PRIMARY"
    kind = "MAINSTREAM"
    funding = "MAINTAINED"
    in_area = True
    cluster = factory.SubFactory(ClusterFactory)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    person_id = factory.Sequence(lambda n: f"P{n:06d}")
    # A 13-character UPN: check letter, LA 870, school 2000, year 24, serial.
    # 13 characters however many people a test session makes (past 999 the old pattern grew a 14th, which
    # PostgreSQL refuses)
    upn = factory.Sequence(lambda n: f"A870200024{n:03d}" if n < 1000 else f"A870200{n:06d}")
    forename = factory.Iterator(["Amira", "Ben", "Chloe", "Dylan", "Ella", "Finn", "Grace", "Harry"])
    surname = factory.Sequence(lambda n: f"Surname{n}")
    birth_date = dt.date(2016, 3, 27)
    sex = "F"
    ethnicity = "WBRI"
    postcode = "RG1 1AA"
    home_la = "870"


class SenStatusFactory(DjangoModelFactory):
    class Meta:
        model = SenStatus

    person = factory.SubFactory(PersonFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    sen_provision = "K"
    start_date = START
    end_date = None


class SenNeedFactory(DjangoModelFactory):
    class Meta:
        model = SenNeed

    person = factory.SubFactory(PersonFactory)
    need_type = "ASD"
    need_rank = 1
    start_date = START
    end_date = None


class EhcRequestFactory(DjangoModelFactory):
    class Meta:
        model = EhcRequest

    request_id = factory.Sequence(lambda n: f"R{n:06d}")
    person = factory.SubFactory(PersonFactory)
    received_date = START
    request_source = 1
    outcome = "Y"
    outcome_date = dt.date(2024, 10, 10)


class EhcAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = EhcAssessment

    assessment_id = factory.Sequence(lambda n: f"A{n:06d}")
    request = factory.SubFactory(EhcRequestFactory)
    outcome = "Y"
    outcome_date = dt.date(2025, 1, 10)


class EhcPlanFactory(DjangoModelFactory):
    class Meta:
        model = EhcPlan

    plan_id = factory.Sequence(lambda n: f"EHCP{n:06d}")
    person = factory.SubFactory(PersonFactory)
    assessment = None
    start_date = dt.date(2025, 1, 15)
    cease_date = None
    cease_reason = None


class AnnualReviewFactory(DjangoModelFactory):
    class Meta:
        model = AnnualReview

    review_id = factory.Sequence(lambda n: f"AR{n:06d}")
    plan = factory.SubFactory(EhcPlanFactory)
    meeting_date = dt.date(2026, 1, 12)
    decision_date = dt.date(2026, 1, 20)
    outcome = "M"


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement

    placement_id = factory.Sequence(lambda n: f"PL{n:06d}")
    person = factory.SubFactory(PersonFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    sen_setting = None
    start_date = START
    end_date = None


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    person = factory.SubFactory(PersonFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    academic_year = "2024/25"
    term = "AUT"
    sessions_possible = 140
    sessions_authorised = 7
    sessions_unauthorised = 7


class ExclusionFactory(DjangoModelFactory):
    class Meta:
        model = Exclusion

    exclusion_id = factory.Sequence(lambda n: f"X{n:06d}")
    person = factory.SubFactory(PersonFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    start_date = dt.date(2024, 11, 5)
    category = "SUSP"
    sessions = 4
    reason = "DB"
    sen_provision = "K"


class PartTimeTimetableFactory(DjangoModelFactory):
    class Meta:
        model = PartTimeTimetable

    ptt_id = factory.Sequence(lambda n: f"PTT{n:06d}")
    person = factory.SubFactory(PersonFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    start_date = dt.date(2024, 11, 18)
    planned_end_date = dt.date(2024, 12, 20)
    end_date = None
    hours_in_school_per_week = Decimal("15.00")
    full_time_hours_per_week = Decimal("32.50")
    reason = "Phased return after a suspension"


class ApProviderFactory(DjangoModelFactory):
    class Meta:
        model = ApProvider

    provider_id = factory.Sequence(lambda n: f"AP{n:03d}")
    name = factory.Sequence(lambda n: f"Riverside Learning Centre {n}")
    establishment = None
    approved = True
    approved_date = dt.date(2024, 4, 1)
    quality = "GOOD"


class ApCommissionFactory(DjangoModelFactory):
    class Meta:
        model = ApCommission

    commission_id = factory.Sequence(lambda n: f"APC{n:06d}")
    person = factory.SubFactory(PersonFactory)
    commissioned_by = "LA"
    provider = factory.SubFactory(ApProviderFactory)
    start_date = dt.date(2025, 2, 3)
    end_date = None
    sessions_per_week = 4
    weekly_cost = 45000


class NeetActivityFactory(DjangoModelFactory):
    class Meta:
        model = NeetActivity

    person = factory.SubFactory(PersonFactory)
    as_at = dt.date(2025, 1, 31)
    academic_age = 17
    activity = "EET"


class EahEngagementFactory(DjangoModelFactory):
    class Meta:
        model = EahEngagement

    establishment = factory.SubFactory(EstablishmentFactory)
    as_at = START
    level = "ENGAGED"


class EahReferralFactory(DjangoModelFactory):
    class Meta:
        model = EahReferral

    referral_id = factory.Sequence(lambda n: f"EAH{n:06d}")
    establishment = factory.SubFactory(EstablishmentFactory)
    person = factory.SubFactory(PersonFactory)
    received_date = dt.date(2024, 10, 1)
    risk_flags = "SUSPENSION"
    triage_date = dt.date(2024, 10, 3)
    tier = "TARGETED"
    first_support_date = dt.date(2024, 10, 14)


class EahInvolvementFactory(DjangoModelFactory):
    class Meta:
        model = EahInvolvement

    referral = factory.SubFactory(EahReferralFactory)
    discipline = "EP"
    practitioner_id = "870-EAH01"
    start_date = dt.date(2024, 10, 14)
    end_date = None
    hours = Decimal("6.00")


class ComplaintFactory(DjangoModelFactory):
    class Meta:
        model = Complaint

    complaint_id = factory.Sequence(lambda n: f"CMP{n:05d}")
    received_date = START
    route = "CORPORATE"
    about_send = True
    stage = 1


class TribunalAppealFactory(DjangoModelFactory):
    class Meta:
        model = TribunalAppeal

    appeal_id = factory.Sequence(lambda n: f"TRB{n:05d}")
    person = factory.SubFactory(PersonFactory)
    lodged_date = dt.date(2025, 3, 1)
    appeal_type = "CONTENTS"


class SurveyResponseFactory(DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    response_id = factory.Sequence(lambda n: f"SR{n:06d}")
    survey = "PARENT_CONFIDENCE"
    respondent = "PARENT"
    submitted_date = START
    question = "I am confident my child's needs are met"
    score = 4


class UnitCostFactory(DjangoModelFactory):
    class Meta:
        model = UnitCost

    setting_category = "MAINSTREAM"
    need_type = None
    financial_year = "2026-27"
    annual_cost = 1_200_000


class PlannedPlacesFactory(DjangoModelFactory):
    class Meta:
        model = PlannedPlaces

    project = factory.Sequence(lambda n: f"Resourced provision {n}")
    establishment = factory.SubFactory(EstablishmentFactory)
    kind = "MAINSTREAM"
    need_types = "ASD"
    places = 12
    open_date = dt.date(2026, 9, 1)


class PopulationFactory(DjangoModelFactory):
    class Meta:
        model = Population

    year = 2026
    age = factory.Sequence(lambda n: n % 26)
    population = 2300


class UserFactory(DjangoModelFactory):
    """A signed-in-able user of any role; its password is PASSWORD. Staff status follows the role."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = roles.OFFICER
    is_staff = factory.LazyAttribute(lambda u: u.role == roles.ADMIN)
    is_superuser = factory.LazyAttribute(lambda u: u.role == roles.ADMIN)
    password = factory.django.Password(PASSWORD)

    class Params:
        senco = factory.Trait(role=roles.SENCO, establishment=factory.SubFactory(EstablishmentFactory))
        cluster_lead = factory.Trait(role=roles.CLUSTER_LEAD, cluster=factory.SubFactory(ClusterFactory))
        practitioner = factory.Trait(role=roles.EAH_PRACTITIONER, practitioner_id="870-EAH01")


class AuditEntryFactory(DjangoModelFactory):
    class Meta:
        model = AuditEntry

    user = factory.SubFactory(UserFactory)
    username = factory.LazyAttribute(lambda e: e.user.username if e.user else "")
    action = "view"
    person_id = "P000001"
    page = "/children/P000001/"


class EahPractitionerFactory(DjangoModelFactory):
    """An Experts at Hand practitioner with their weekly capacity."""

    class Meta:
        model = "experts.EahPractitioner"
        django_get_or_create = ("practitioner_id",)

    practitioner_id = factory.Sequence(lambda n: f"870-EAH{n + 1:02d}")
    name = factory.Sequence(lambda n: f"Practitioner {n + 1}")
    discipline = "EP"
    weekly_hours = Decimal("30.0")
