from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dialogues/<int:pk>/", views.dialogue_detail, name="dialogue_detail"),
]
