from django.urls import path

from sendreform.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("data-quality/", views.data_quality, name="data-quality"),
]
