"""EHC casework: the canonical advice requests and officers' allocations, and the workflow detail beside the
canonical statutory tables (ADR 9, ADR 26): a case per request for an assessment or per annual review, its
clock's exceptions, consultations, notes, documents, history, and a child's contacts.

A case writes the canonical rows as it goes (`ehc_request`, `ehc_assessment`, `ehc_plan`, `annual_review`,
`ehc_advice`, `ehc_case_allocation`), so the indicators, the board pack, the forecast and the SEN2 return
follow it; everything here that is not canonical is named `app_*`.
"""

from types import MappingProxyType

from django.db import models

from sendreform.common.modelling import code_field, in_codes, not_before
from sendreform.people.models import Establishment, Person
from sendreform.standards import codes, ehc_clock
from sendreform.statutory.models import AnnualReview, EhcPlan, EhcRequest

ASSESSMENT, REVIEW = "ASSESSMENT", "REVIEW"
KINDS = MappingProxyType({ASSESSMENT: "EHC needs assessment", REVIEW: "Annual review"})

# A case's stage; the open ones are on someone's caseload.
STAGES = MappingProxyType({
    "REQUESTED": "Request: decision due",
    "ASSESSING": "Assessment: advice",
    "DRAFT": "Draft plan: consultation",
    "FINAL": "Final plan issued",
    "REFUSED": "Decided not to assess",
    "NOT_ISSUED": "Decided not to issue a plan",
    "WITHDRAWN": "Withdrawn",
    "REVIEW_DUE": "Annual review due",
    "REVIEW_HELD": "Review held: decision due",
    "REVIEW_DECIDED": "Review decision notified",
})
OPEN_STAGES = ("REQUESTED", "ASSESSING", "DRAFT", "REVIEW_DUE", "REVIEW_HELD")

CONSULTATION_RESPONSES = MappingProxyType({
    "AGREE": "Agrees to be named",
    "CANNOT": "Says it cannot meet the child's needs",
})
DOCUMENT_KINDS = MappingProxyType({
    "EVIDENCE": "Evidence of the graduated response",
    "CONSENT": "Consent",
    "ADVICE": "Advice",
    "DRAFT_PLAN": "Draft plan",
    "FINAL_PLAN": "Final plan",
    "REVIEW": "Annual review report",
    "LETTER": "Letter",
    "OTHER": "Other",
})


class EhcAdvice(models.Model):
    """Canonical: advice and information asked for an EHC needs assessment, due within 6 weeks."""

    advice_id = models.CharField(max_length=40, primary_key=True)
    request = models.ForeignKey(EhcRequest, db_column="request_id", on_delete=models.CASCADE,
                                related_name="advice")
    advice_type = code_field(codes.ADVICE_TYPE)
    requested_date = models.DateField()
    received_date = models.DateField(null=True, blank=True)
    exception = models.BooleanField(default=False, help_text="One of the exceptions of regulation 8(2) applies.")

    class Meta:
        db_table = "ehc_advice"
        verbose_name = "advice request"
        constraints = [
            in_codes("ehc_advice", "advice_type", codes.ADVICE_TYPE),
            not_before("ehc_advice", "received_date", "requested_date"),
        ]

    def __str__(self) -> str:
        return f"Advice {self.advice_id}"


class CaseAllocation(models.Model):
    """Canonical: which officer held a case, from when to when (open while the officer holds it)."""

    allocation_id = models.CharField(max_length=40, primary_key=True)
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="+")
    case_ref = models.CharField(max_length=40, help_text="The case's reference (CW-…).")
    officer_id = models.CharField(max_length=150, help_text="The officer's username.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "ehc_case_allocation"
        verbose_name = "case allocation"
        constraints = [not_before("ehc_case_allocation", "end_date", "start_date")]
        indexes = [models.Index(fields=["officer_id", "end_date"])]

    def __str__(self) -> str:
        return f"{self.case_ref} to {self.officer_id} from {self.start_date}"


class Case(models.Model):
    """A request for an EHC needs assessment worked to the final plan, or an annual review worked to its
    decision. The canonical rows are the record; the case holds the workflow around them."""

    reference = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=12, choices=list(KINDS.items()))
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="cases")
    stage = models.CharField(max_length=16, choices=list(STAGES.items()), db_index=True)
    officer = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="cases")
    request = models.OneToOneField(EhcRequest, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="case")
    plan = models.ForeignKey(EhcPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="cases",
                             help_text="The plan issued (an assessment) or reviewed (a review).")
    review = models.OneToOneField(AnnualReview, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="case")
    # The request's account: the evidence of the graduated response and the family's consent.
    setting = models.ForeignKey(Establishment, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="The setting that asked, for a request from a setting.")
    evidence = models.TextField(blank=True)
    consent_given = models.BooleanField(default=False)
    consent_date = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decision_reason = models.TextField(blank=True, help_text="Why not to assess, or not to issue a plan.")
    draft_issued_date = models.DateField(null=True, blank=True)
    # An annual review: when the last review or the plan's issue was, and a phase transfer's deadline.
    review_from = models.DateField(null=True, blank=True)
    phase_transfer_due = models.DateField(null=True, blank=True)
    opened_date = models.DateField()
    closed_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "app_case"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=list(KINDS)), name="app_case_kind_known"),
            models.CheckConstraint(condition=models.Q(stage__in=list(STAGES)), name="app_case_stage_known"),
            not_before("app_case", "closed_date", "opened_date"),
        ]
        indexes = [models.Index(fields=["officer", "closed_date"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]


class ClockException(models.Model):
    """One of the Regulations' exceptions to a time limit of a case, with its reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exceptions")
    step = models.CharField(max_length=16, choices=[("decision", "Decision whether to assess"),
                                                    ("final_plan", "Final plan")])
    reason = models.CharField(max_length=30, choices=list(ehc_clock.EXCEPTIONS.items()))
    note = models.TextField()
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "app_case_exception"
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="app_case_exception_one_per_step")]

    def __str__(self) -> str:
        return f"{self.case} {self.step}: {self.reason}"


class AdviceDetail(models.Model):
    """Beside the canonical advice row: whom it was asked of, what was asked, the answer, its version."""

    advice = models.OneToOneField(EhcAdvice, primary_key=True, on_delete=models.CASCADE, related_name="detail")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="advice_details")
    addressed_to = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="advice_requests",
                                     help_text="The practitioner asked, when they sign in to answer here.")
    addressee = models.CharField(max_length=200, help_text="Who was asked (a service or a person).")
    question = models.TextField(blank=True)
    response = models.TextField(blank=True)
    exception_reason = models.CharField(max_length=30, blank=True,
                                        choices=list(ehc_clock.EXCEPTIONS.items()))
    answered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "app_ehc_advice_detail"

    def __str__(self) -> str:
        return f"Advice {self.advice_id} asked of {self.addressee}"


class Consultation(models.Model):
    """A setting consulted on the draft plan (15 days to answer), and its answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    sent_date = models.DateField()
    response_date = models.DateField(null=True, blank=True)
    response = models.CharField(max_length=8, blank=True, choices=list(CONSULTATION_RESPONSES.items()))
    family_preference = models.BooleanField(default=False, help_text="The family asked for this setting.")
    note = models.TextField(blank=True)

    class Meta:
        db_table = "app_case_consultation"
        constraints = [not_before("app_case_consultation", "response_date", "sent_date")]

    def __str__(self) -> str:
        return f"{self.case} consulted {self.establishment_id}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "app_case_note"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Note on {self.case}"


class CaseDocument(models.Model):
    """An uploaded file, kept in the database so that a whole-database backup holds it (ADR 16)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=list(DOCUMENT_KINDS.items()))
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "app_case_document"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """The history of a case: every change, who made it and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(max_length=300)

    class Meta:
        db_table = "app_case_event"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.what


class Contact(models.Model):
    """A parent, carer or other person about a child: parental responsibility and how to communicate."""

    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    parental_responsibility = models.BooleanField(default=False)
    communication_needs = models.CharField(max_length=300, blank=True,
                                           help_text="An interpreter, large print, a preferred way to be reached.")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "app_person_contact"
        ordering = ["-parental_responsibility", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class CaseNotification(models.Model):
    """An email about a step of a case's clock, sent once: its deadline approaching, or missed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    step = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=[("APPROACHING", "Deadline approaching"), ("MISSED", "Missed")])
    sent_on = models.DateField()

    class Meta:
        db_table = "app_case_notification"
        constraints = [models.UniqueConstraint(fields=["case", "step", "kind"], name="app_case_notification_once")]

    def __str__(self) -> str:
        return f"{self.case} {self.step} {self.kind}"
