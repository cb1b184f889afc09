from django.contrib import admin
from django.urls import path

from notes import views

urlpatterns = [
    path("", views.index, name="index"),
    path("notes/", views.create_note, name="create_note"),
    path("notes/<int:pk>/", views.note_detail, name="note_detail"),
    path("admin/", admin.site.urls),
]
