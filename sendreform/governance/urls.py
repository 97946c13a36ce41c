from django.urls import path

from sendreform.governance import views

app_name = "governance"

urlpatterns = [
    path("governance/", views.boards, name="boards"),
    path("governance/boards/<slug:key>/", views.board, name="board"),
    path("governance/boards/<slug:key>/pack/", views.board_pack_page, name="pack"),
    path("governance/boards/<slug:key>/pack/new/", views.board_pack_create, name="pack-create"),
    path("governance/boards/<slug:key>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("governance/packs/<int:pk>.pdf", views.board_pack_pdf, name="pack-pdf"),
    path("governance/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("governance/decisions/<int:pk>/", views.decision, name="decision"),
    path("governance/actions/<int:pk>/", views.action, name="action"),
    path("risks/", views.risks, name="risks"),
    path("risks/risks.csv", views.risks_csv, name="risks-csv"),
    path("risks/new/", views.risk_new, name="risk-new"),
    path("risks/<int:pk>/", views.risk, name="risk"),
    path("risks/<int:pk>/close/", views.risk_close_page, name="risk-close"),
]
