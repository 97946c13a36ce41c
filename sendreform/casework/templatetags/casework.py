"""The child's record as a place to act: its EHC casework block (cases, contacts, the actions open to the
signed-in user), included by `people/child_detail.html` whose read of the child is already audited."""

from django import template

from sendreform.accounts import roles
from sendreform.casework.models import ASSESSMENT, OPEN_STAGES
from sendreform.casework.selectors import cases_of_child
from sendreform.statutory.models import EhcPlan

register = template.Library()


@register.inclusion_tag("casework/includes/child_casework.html", takes_context=True)
def child_casework(context, person):
    user = context["request"].user
    works = user.role in roles.CASEWORK_ROLES
    can_start = works or user.role == roles.SENCO
    cases = cases_of_child(person_id=person.person_id, user=user)
    plan = EhcPlan.objects.filter(person_id=person.person_id, cease_date__isnull=True).order_by("-start_date").first()
    return {
        "person": person, "cases": cases, "works": works,
        "contacts": person.contacts.all() if works or user.role == roles.SENCO else [],
        "can_request": can_start and plan is None and not any(
            c.kind == ASSESSMENT and c.stage in OPEN_STAGES for c in cases),
        "review_plan": plan if can_start and plan and not any(
            c.plan_id == plan.plan_id and c.stage in OPEN_STAGES for c in cases) else None,
        "can_refer": user.role == roles.SENCO,
    }
