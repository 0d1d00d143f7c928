from django.urls import path

from ingest import api

urlpatterns = [
    path("workspaces/<slug:slug>/sessions/", api.SessionListView.as_view(), name="api-ingest-sessions"),
    path(
        "workspaces/<slug:slug>/sessions/<str:session_id>/", api.SessionDetailView.as_view(), name="api-ingest-session"
    ),
    path(
        "workspaces/<slug:slug>/sessions/<str:session_id>/messages/",
        api.MessagesView.as_view(),
        name="api-ingest-messages",
    ),
    path("workspaces/<slug:slug>/sessions/<str:session_id>/files/", api.FilesView.as_view(), name="api-ingest-files"),
]
