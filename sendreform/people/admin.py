"""Reference data in the Django admin: clusters and settings. Children are not here: they are read only
through the scoped, audited selectors."""

from django.contrib import admin

from sendreform.people.models import Cluster, Establishment


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("cluster_id", "name")
    search_fields = ("cluster_id", "name")


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ("name", "establishment_id", "urn", "phase", "kind", "funding", "in_area", "cluster")
    list_filter = ("phase", "kind", "funding", "in_area", "cluster")
    search_fields = ("establishment_id", "name", "urn")
