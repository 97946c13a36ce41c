"""A page whose query never ends by itself, to test the request time limit (tests only)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path

ENDLESS = {
    # Counts for ever: a recursive query with no end.
    "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n",
    "postgresql": "SELECT pg_sleep(60)",
}


def endless(request):
    with connection.cursor() as cursor:
        cursor.execute(ENDLESS[connection.vendor])
    return HttpResponse("finished")


urlpatterns = [path("endless/", endless), path("", include("sendreform.config.urls"))]
