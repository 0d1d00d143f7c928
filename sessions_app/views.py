"""The product's home page: the person's workspaces and their recent sessions."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sessions_app.models import Session
from workspaces.selectors import workspaces_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    workspaces = list(workspaces_for_user(user=request.user))
    recent = Session.objects.filter(workspace__in=workspaces).select_related("workspace").order_by("-updated_at")[:10]
    return render(request, "sessions_app/home.html", {"workspaces": workspaces, "recent": recent})
