from django.urls import path

from sendreform.casework import views

app_name = "casework"

urlpatterns = [
    path("casework/", views.caseload, name="caseload"),
    path("casework/team/", views.team, name="team"),
    path("casework/advice/", views.advice_list, name="advice"),
    path("casework/advice/<str:advice_id>/", views.advice_answer, name="advice-answer"),
    path("casework/cases/<str:reference>/", views.case_detail, name="case"),
    path("casework/cases/<str:reference>/allocate/", views.case_allocate, name="allocate"),
    path("casework/cases/<str:reference>/decide/", views.case_decide, name="decide"),
    path("casework/cases/<str:reference>/advice/", views.case_advice, name="ask-advice"),
    path("casework/cases/<str:reference>/exception/", views.case_exception, name="exception"),
    path("casework/cases/<str:reference>/draft/", views.case_draft, name="draft"),
    path("casework/cases/<str:reference>/final/", views.case_final, name="final"),
    path("casework/cases/<str:reference>/meeting/", views.case_meeting, name="meeting"),
    path("casework/cases/<str:reference>/review-decision/", views.case_review_decide, name="review-decide"),
    path("casework/cases/<str:reference>/notes/", views.case_note, name="note"),
    path("casework/cases/<str:reference>/documents/", views.case_document, name="document"),
    path("casework/consultations/<int:consultation_id>/", views.consultation_answer, name="consultation"),
    path("casework/documents/<int:document_id>/", views.document_download, name="document-download"),
    path("casework/children/<str:person_id>/request/", views.request_new, name="request-new"),
    path("casework/children/<str:person_id>/contacts/", views.contact_new, name="contact-new"),
    path("casework/plans/<str:plan_id>/review/", views.review_new, name="review-new"),
]
