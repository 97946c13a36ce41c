"""Fixtures of the plan tests: Reading's plan file, loaded, and users of each role that matters here."""

from pathlib import Path

import pytest

READING = Path(__file__).resolve().parents[2] / "plans" / "reading.yaml"


@pytest.fixture
def reading_text():
    return READING.read_text(encoding="utf-8")


@pytest.fixture
def reading_plan(reading_text):
    from sendreform.plan.models import Plan
    from sendreform.plan.services import plan_import

    plan_import(text=reading_text, source="plans/reading.yaml")
    return Plan.objects.get()


@pytest.fixture
def users():
    from sendreform.accounts import roles
    from tests.factories import UserFactory

    return {role: UserFactory(username=role.lower(), role=role)
            for role in (roles.OFFICER, roles.ADMIN, roles.BOARD_MEMBER, roles.PCF_REP)}
