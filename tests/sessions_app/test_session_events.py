"""The events a running session's page follows (/<workspace>/sessions/<id>/events): members only, nothing to
follow for a finished session, and the stream's first event its state as it is."""

import asyncio
import json

import pytest

from sessions_app import following
from sessions_app.live import session_update
from tests.factories import signed_in
from workspaces.models import Membership
from workspaces.services import member_remove

pytestmark = pytest.mark.django_db


def events_url(session) -> str:
    return f"/{session.workspace.slug}/sessions/{session.public_id}/events"


def test_a_running_sessions_stream_opens_with_its_state(owner, prototype):
    response = signed_in(owner).get(events_url(prototype))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-store"
    assert response.streaming
    assert response.is_async  # served by the event loop, not a worker thread held open


def test_a_finished_session_has_nothing_to_follow(owner, prototype):
    session_update(session=prototype, status="completed")
    assert signed_in(owner).get(events_url(prototype)).status_code == 204


def test_an_outsider_or_another_workspaces_session_is_not_found(outsider, owner, foreign, prototype):
    assert signed_in(outsider).get(events_url(prototype)).status_code == 404
    assert signed_in(owner).get(f"/acme/sessions/{foreign.public_id}/events").status_code == 404


def test_signed_out_it_asks_to_sign_in(client, prototype):
    response = client.get(events_url(prototype))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_page_of_a_running_session_says_it_is_live_and_a_finished_one_does_not(owner, prototype):
    page = signed_in(owner).get(prototype.link().replace("https://mcp.alloy.test", "")).content.decode()
    assert f'data-live="{events_url(prototype)}"' in page
    session_update(session=prototype, status="completed")
    page = signed_in(owner).get(prototype.link().replace("https://mcp.alloy.test", "")).content.decode()
    assert "data-live" not in page


def test_new_messages_come_as_a_fragment_of_the_chat(owner, prototype):
    path = prototype.link().replace("https://mcp.alloy.test", "")
    fragment = signed_in(owner).get(f"{path}?pane=messages&from=3").content.decode()
    assert fragment.count('<li class="message') == 2
    assert 'id="m3"' in fragment
    assert 'id="m4"' in fragment
    assert "<html" not in fragment


async def _events(response) -> list[str]:
    return [chunk if isinstance(chunk, str) else chunk.decode() async for chunk in response.streaming_content]


@pytest.mark.django_db(transaction=True)
def test_a_person_removed_from_the_workspace_is_told_nothing_more(owner, member, prototype, monkeypatch):
    monkeypatch.setattr(following, "FALLBACK_SECONDS", 0.2)  # the stream's own read comes at once
    response = signed_in(member).get(events_url(prototype))
    member_remove(membership=Membership.objects.get(user=member), by=Membership.objects.get(user=owner))
    events = asyncio.run(_events(response))
    assert events[1].startswith("event: state\n")
    assert events[-1].startswith("event: change\n")
    assert json.loads(events[-1].split("data: ", 1)[1])["status"] == "gone"


@pytest.mark.django_db(transaction=True)
def test_a_stream_ends_after_its_time_and_the_browser_opens_the_next(owner, prototype, monkeypatch):
    monkeypatch.setattr(following, "STREAM_SECONDS", 0.3)
    events = asyncio.run(_events(signed_in(owner).get(events_url(prototype))))
    assert events[0] == "retry: 1000\n\n"  # EventSource reconnects after a second
    assert [event.split("\n", 1)[0] for event in events[1:] if event.startswith("event:")] == ["event: state"]
