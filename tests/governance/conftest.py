"""The governance tests use the plan tests' fixtures: Reading's plan file, loaded, and users of each role."""

from tests.plan.conftest import reading_plan, reading_text, users  # noqa: F401 - fixtures, found by name
