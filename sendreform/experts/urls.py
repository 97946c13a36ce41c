from django.urls import path

from sendreform.experts import views

app_name = "experts"

urlpatterns = [
    path("experts/", views.index, name="index"),
    path("experts/refer/", views.refer, name="refer"),
    path("experts/refer/child/<str:person_id>/", views.refer_child, name="refer-child"),
    path("experts/refer/setting/", views.refer_setting, name="refer-setting"),
    path("experts/queue/", views.queue, name="queue"),
    path("experts/queue.csv", views.queue, {"csv": True}, name="queue-csv"),
    path("experts/referrals/", views.referral_list, name="referrals"),
    path("experts/referrals.csv", views.referral_list, {"csv": True}, name="referrals-csv"),
    path("experts/referrals/<str:referral_id>/", views.referral_detail, name="referral-detail"),
    path("experts/referrals/<str:referral_id>/sent/", views.referral_sent, name="referral-sent"),
    path("experts/referrals/<str:referral_id>/triage/", views.referral_triage, name="referral-triage"),
    path("experts/referrals/<str:referral_id>/strategy/", views.referral_strategy, name="referral-strategy"),
    path("experts/referrals/<str:referral_id>/review/", views.referral_review, name="referral-review"),
    path("experts/referrals/<str:referral_id>/close/", views.referral_close, name="referral-close"),
    path("experts/involvements/<int:involvement_id>/support/", views.involvement_contact, name="contact"),
    path("experts/caseload/", views.caseload, name="caseload"),
    path("experts/practitioners/", views.practitioners, name="practitioners"),
    path("experts/practitioners.csv", views.practitioners, {"csv": True}, name="practitioners-csv"),
    path("experts/engagement/", views.engagement, name="engagement"),
    path("experts/engagement.csv", views.engagement, {"csv": True}, name="engagement-csv"),
    path("experts/engagement/<str:establishment_id>/", views.engagement_setting, name="engagement-setting"),
    path("experts/meetings/", views.meetings, name="meetings"),
    path("experts/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path(
        "experts/meetings/<int:meeting_id>/actions/<int:action_id>/done/",
        views.meeting_action_done,
        name="meeting-action-done",
    ),
    path("experts/children/<str:person_id>/strategies/", views.child_strategies, name="child-strategies"),
    path("experts/children/<str:person_id>/transition-plan/", views.transition_plan, name="transition-plan"),
    path("experts/demand/", views.demand, name="demand"),
    path("experts/demand.csv", views.demand, {"csv": True}, name="demand-csv"),
    path("experts/feedback/<str:token>/", views.feedback, name="feedback"),
]
