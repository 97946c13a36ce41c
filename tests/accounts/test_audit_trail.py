"""A complete audit trail: sign-ins (success, failure, refused while waiting) and sign-outs, reads of the audit log itself,
lists of children, imports; and the log, with the plan's history, append-only for every role."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from sendreform.common.appendonly import AppendOnlyError
from sendreform.interchange.population import Population
from sendreform.places.services import population_replace
from sendreform.plan.models import ChangeEntry
from sendreform.plan.services import change_record
from tests.factories import (
    PASSWORD,
    AuditEntryFactory,
    EahReferralFactory,
    EstablishmentFactory,
    PersonFactory,
    SenStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id").values_list("action", "username", "detail"))


def test_sign_ins_failures_and_sign_outs_are_recorded_with_where_from():
    UserFactory(username="officer1", role=roles.OFFICER)
    client = Client(REMOTE_ADDR="192.0.2.7")

    client.post("/sign-in/", {"username": "officer1", "password": "wrong"})
    client.post("/sign-in/", {"username": "nobody", "password": "wrong"})
    client.post("/sign-in/", {"username": "officer1", "password": PASSWORD})
    client.post("/sign-out/")

    assert _entries() == [
        ("sign-in-failed", "officer1", "from 192.0.2.7"),
        ("sign-in-failed", "nobody", "from 192.0.2.7"),
        ("sign-in", "officer1", "from 192.0.2.7"),
        ("sign-out", "officer1", "from 192.0.2.7"),
    ]
    assert AuditEntry.objects.get(action="sign-in").user.username == "officer1"


@override_settings(SIGN_IN_FREE_FAILURES_PER_USERNAME=1)
def test_each_sign_in_refused_while_waiting_is_recorded():
    UserFactory(username="senco1", role=roles.SENCO, establishment=EstablishmentFactory())
    client = Client(REMOTE_ADDR="192.0.2.8")

    for password in ("wrong", "wrong", PASSWORD):
        client.post("/sign-in/", {"username": "senco1", "password": password})

    assert [a for a, *_ in _entries(username="senco1")] == [
        "sign-in-failed", "sign-in-failed",  # the second failure is past the one free: the next attempt waits
        "sign-in-delayed",  # the right password, refused unchecked while waiting
    ]


def test_reading_and_downloading_the_audit_log_is_itself_recorded():
    admin = UserFactory(username="admin1", role=roles.ADMIN)
    AuditEntryFactory(person_id="P1")
    client = Client()
    client.force_login(admin)

    client.get("/audit-log/?person_id=P1")
    client.get("/audit-log.csv")

    assert _entries(username="admin1") == [
        ("sign-in", "admin1", "from an unknown address"),  # force_login's request has no address
        ("audit-log", "admin1", "audit log: child P1"),
        ("export", "admin1", "audit log"),
    ]


def test_a_sencos_referral_list_records_each_child_it_shows():
    oak = EstablishmentFactory(establishment_id="OAK")
    senco = UserFactory(username="senco1", role=roles.SENCO, establishment=oak)
    for pid in ("P1", "P2"):
        child = PersonFactory(person_id=pid)
        SenStatusFactory(person=child, establishment=oak)
        EahReferralFactory(establishment=oak, person=child)
    client = Client()
    client.force_login(senco)

    assert client.get("/experts/referrals/").status_code == 200

    shown = AuditEntry.objects.filter(username="senco1", action="cohort", page="/experts/referrals/")
    assert sorted(shown.values_list("person_id", flat=True)) == ["P1", "P2"]


def test_imports_are_recorded_with_who_and_from_which_file():
    officer = UserFactory(username="officer1", role=roles.OFFICER)
    rows = {(2026, age): 1000 + age for age in range(26)}

    population_replace(population=Population(rows=rows, area="E06000038", shape="canonical"), by=officer,
                       source="population.csv")
    population_replace(population=Population(rows=rows, area="E06000038", shape="canonical"),
                       source="ons.csv")

    imports = _entries(action="import")
    assert imports[0] == ("import", "officer1", "population population.csv: 26 added, 0 changed")
    assert imports[1][1].startswith("command line (") and imports[1][2] == "population ons.csv: 0 added, 0 changed"


# ------------------------------------------------------------------------------------------ append-only
def _audit_entry():
    return AuditEntryFactory(user=UserFactory(username="alice"), person_id="P1")


def _change_entry():
    return change_record(subject_kind="risk", subject_id=1, by=UserFactory(username="alice"), summary="Rated",
                         changes=[{"field": "Likelihood", "before": "2", "after": "3"}])


ENTRIES = [pytest.param(_audit_entry, "app_audit_entry", id="audit log"),
           pytest.param(_change_entry, "plan_changeentry", id="plan history")]


@pytest.mark.parametrize(("make", "table"), ENTRIES)
def test_no_one_changes_or_deletes_an_entry_through_the_models(make, table):
    entry = make()
    model = type(entry)
    entry.username = "someone-else"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=entry.pk).update(username="someone-else")
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update([entry], ["username"])

    assert model.objects.get(pk=entry.pk).username == "alice"


@pytest.mark.parametrize(("make", "table"), ENTRIES)
def test_the_database_refuses_an_update_or_delete_in_sql(make, table):
    entry = make()
    assert type(entry)._meta.db_table == table

    for sql in (f'UPDATE "{table}" SET "username" = %s WHERE "id" = %s',
                f'UPDATE "{table}" SET "user_id" = NULL, "username" = %s WHERE "id" = %s',
                f'DELETE FROM "{table}" WHERE "username" <> %s AND "id" = %s'):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, ["mallory", entry.pk])

    assert type(entry).objects.get(pk=entry.pk).username == "alice"


@pytest.mark.parametrize(("make", "table"), ENTRIES)
def test_deleting_a_user_keeps_their_entries_under_their_name(make, table):
    entry = make()
    model = type(entry)

    entry.user.delete()

    kept = model.objects.get(pk=entry.pk)
    assert (kept.user_id, kept.username) == (None, "alice")


def test_no_administrator_changes_or_deletes_an_entry_in_the_admin():
    admin = UserFactory(username="admin1", role=roles.ADMIN)
    change = _change_entry()
    audit = _audit_entry()
    client = Client()
    client.force_login(admin)

    assert client.get(f"/admin/plan/changeentry/{change.pk}/change/").status_code == 200  # read-only view
    posted = client.post(f"/admin/plan/changeentry/{change.pk}/change/", {"summary": "Rewritten"})
    assert posted.status_code == 403
    assert client.post(f"/admin/plan/changeentry/{change.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post("/admin/plan/changeentry/", {"action": "delete_selected", "_selected_action": [change.pk],
                                                    "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert client.get("/admin/plan/changeentry/add/").status_code == 403
    # The audit log is read on its own (audited) page, never in the admin.
    assert client.get(f"/admin/accounts/auditentry/{audit.pk}/change/").status_code == 404
    assert ChangeEntry.objects.get(pk=change.pk).summary == "Rated"
    assert AuditEntry.objects.filter(pk=audit.pk).exists()

