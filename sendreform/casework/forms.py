"""The casework forms: what each page asks, in GOV.UK words. The services check the rest."""

from django import forms

from sendreform.casework.models import CONSULTATION_RESPONSES, DOCUMENT_KINDS, OPEN_STAGES, STAGES
from sendreform.casework.selectors import SORTS, WITHIN
from sendreform.common.concurrency import version_field
from sendreform.standards import codes, ehc_clock
from sendreform.web.forms import GovukDateField


def _date(name: str) -> GovukDateField:
    return GovukDateField(name=name, label=name)


def _text(label: str, required: str = "", **kwargs) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                           required=bool(required), error_messages={"required": required}, **kwargs)


class CaseloadFilterForm(forms.Form):
    stage = forms.ChoiceField(label="Stage", required=False,
                              choices=[("", "Any stage"), *[(s, STAGES[s]) for s in OPEN_STAGES]])
    due = forms.ChoiceField(label="Next deadline", required=False, choices=[
        ("", "Any time"), ("overdue", "Overdue"), *[(str(n), f"Within {n} days") for n in WITHIN]])
    setting = forms.ChoiceField(label="Setting", required=False, choices=[("", "Any setting")])
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "Any phase"), *codes.choices(codes.PHASE)])
    need = forms.ChoiceField(label="Primary need", required=False,
                             choices=[("", "Any need"), *codes.choices(codes.NEED_TYPE)])
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORTS.items()))

    def __init__(self, *args, settings_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["setting"].choices = [("", "Any setting"), *settings_choices]


class RequestForm(forms.Form):
    """A request for an EHC needs assessment: a SENCo's from the child's record, or one the SEND team records."""

    request_source = forms.ChoiceField(label="Who made the request?", widget=forms.RadioSelect,
                                       choices=[(k, v) for k, v in codes.REQUEST_SOURCE.items()],
                                       error_messages={"required": "Select who made the request"})
    received_date = _date("The date the request was received")
    evidence = _text("What has the setting done so far?", help_text="The graduated response: what was assessed, "
                     "planned and done, the advice followed, and what the reviews found. Attach documents on the "
                     "case once it is made.")
    consent_given = forms.BooleanField(label="The parent, or the young person, has given consent to this request",
                                       required=False)

    def __init__(self, *args, senco: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.senco = senco
        if senco:
            del self.fields["request_source"]
            self.fields["evidence"].required = True
            self.fields["evidence"].error_messages["required"] = (
                "Enter what the setting has done: its assessment, plan, support and review")

    def clean(self):
        data = super().clean()
        if (self.senco or data.get("request_source") == "2") and not data.get("consent_given"):
            self.add_error("consent_given", "A setting's request needs the consent of the parent or young person")
        return data


class AllocateForm(forms.Form):
    version = version_field()
    officer = forms.ChoiceField(label="Allocate to", error_messages={"required": "Select an officer"})

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "Choose an officer"), *officers]


class DecideForm(forms.Form):
    version = version_field()
    assess = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=[
        ("yes", "Assess the child's needs"), ("no", "Do not assess")],
        error_messages={"required": "Select the decision"})
    decision_date = _date("The date of the decision")
    reason = _text("Reason (when not assessing)", help_text="The letter tells the family of their right to "
                   "mediation and to appeal to the SEND Tribunal.")


class AdviceForm(forms.Form):
    advice_type = forms.ChoiceField(label="Advice", widget=forms.RadioSelect, choices=codes.choices(codes.ADVICE_TYPE),
                                    error_messages={"required": "Select the kind of advice"})
    addressed_to = forms.ChoiceField(label="Practitioner with an account (optional)", required=False,
                                     help_text="They see the request and answer it in this service.")
    addressee = forms.CharField(label="Or the service or person asked", required=False, max_length=200)
    requested_date = _date("The date the advice was asked for")
    question = _text("What is asked (optional)")

    def __init__(self, *args, practitioners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].choices = [("", "None"), *practitioners]


class AdviceAnswerForm(forms.Form):
    version = version_field()
    received_date = _date("The date the advice was given")
    response = _text("Advice")


class ExceptionForm(forms.Form):
    step = forms.ChoiceField(label="Time limit", widget=forms.RadioSelect, choices=[
        ("decision", "Decision whether to assess (regulation 5(4))"), ("advice", "A piece of advice (regulation 8(2))"),
        ("final_plan", "Final plan within 20 weeks (regulation 13(3))")],
        error_messages={"required": "Select the time limit the exception applies to"})
    advice_id = forms.ChoiceField(label="Which advice (for advice)", required=False)
    reason = forms.ChoiceField(label="Exception", widget=forms.RadioSelect, choices=list(ehc_clock.EXCEPTIONS.items()),
                               error_messages={"required": "Select the exception"})
    note = _text("What happened, with dates", "Enter what happened, with dates")

    def __init__(self, *args, advice=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advice_id"].choices = [("", "Not advice"), *advice]


class DraftForm(forms.Form):
    version = version_field()
    draft_date = _date("The date the draft plan was sent")
    settings_consulted = forms.MultipleChoiceField(label="Settings consulted", required=False,
                                                   widget=forms.CheckboxSelectMultiple,
                                                   help_text="Each has 15 days to answer.")
    family_preference = forms.MultipleChoiceField(label="Of those, the settings the family asked for",
                                                  required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, settings_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settings_consulted"].choices = list(settings_choices)
        self.fields["family_preference"].choices = list(settings_choices)


class ConsultationForm(forms.Form):
    response = forms.ChoiceField(label="Answer", widget=forms.RadioSelect, choices=list(CONSULTATION_RESPONSES.items()),
                                 error_messages={"required": "Select the setting's answer"})
    response_date = _date("The date of the answer")
    note = _text("Note (optional)")


class FinalForm(forms.Form):
    version = version_field()
    issue = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect, choices=[
        ("yes", "Issue the final plan"), ("no", "Do not issue a plan")],
        error_messages={"required": "Select the outcome"})
    issue_date = _date("The date")
    reason = _text("Reason (when not issuing)")


class ReviewStartForm(forms.Form):
    phase_transfer = forms.BooleanField(label="The child moves phase next September (a phase transfer review)",
                                        required=False)


class MeetingForm(forms.Form):
    version = version_field()
    meeting_date = _date("The date of the review meeting")
    school_cannot_meet_need = forms.BooleanField(label="The setting said it cannot meet the child's needs",
                                                 required=False)
    pfa_toolkit_used = forms.BooleanField(label="The preparing for adulthood toolkit was used", required=False)


class ReviewDecideForm(forms.Form):
    version = version_field()
    outcome = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=codes.choices(codes.REVIEW_OUTCOME),
                                error_messages={"required": "Select the decision"})
    decision_date = _date("The date the decision was notified")
    cease_reason = forms.TypedChoiceField(label="Why the plan ceases (when ceasing)", required=False, coerce=int,
                                          empty_value=None,
                                          choices=[("", "Not ceasing"), *codes.choices(codes.CEASE_REASON)])


class NoteForm(forms.Form):
    text = _text("Note", "Enter the note")


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="What the document is", choices=list(DOCUMENT_KINDS.items()))
    upload = forms.FileField(label="File", help_text="A PDF, Word (.docx), PNG or JPEG file, smaller than 8 MB.",
                             error_messages={"required": "Choose a file", "empty": "The chosen file is empty"})


class ContactForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the contact's name"})
    relationship = forms.CharField(label="Relationship to the child", max_length=100,
                                   error_messages={"required": "Enter how the contact is related to the child"})
    parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)
    communication_needs = forms.CharField(label="Communication needs (optional)", required=False, max_length=300)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    email = forms.EmailField(label="Email", required=False,
                             error_messages={"invalid": "Enter an email address like name@example.com"})
