from django.urls import path

from sendreform.returns import views

app_name = "returns"

urlpatterns = [
    path("returns/", views.returns_list, name="list"),
    path("returns/<int:pk>/", views.return_detail, name="detail"),
    path("returns/<int:pk>/generate/", views.return_generate, name="generate"),
    path("returns/<int:pk>/check/", views.return_check, name="check"),
    path("returns/<int:pk>/sign-off/", views.return_sign_off, name="sign-off"),
    path("returns/<int:pk>/submit/", views.return_submit, name="submit"),
    path("returns/files/<int:pk>/", views.return_file_download, name="file"),
]
