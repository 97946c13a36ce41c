"""The test factories make values the schema accepts however many rows a session makes: a UPN stays 13
characters past the thousandth person (the PostgreSQL pass refused a 14th once a session made that many)."""

import pytest

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_thousandth_person_has_a_13_character_upn():
    PersonFactory.reset_sequence(1000)
    first, second = PersonFactory(), PersonFactory()
    assert (first.upn, second.upn) == ("A870200001000", "A870200001001")
