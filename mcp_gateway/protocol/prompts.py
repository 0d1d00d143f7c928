"""The prompts: the questions people ask about a session, as slash commands in Claude.

Each takes the session (a pasted link or an id, completed from the workspace's recent sessions as the
person types) and returns one user message that tells Claude which tools to call, in which order, and
what to answer. They read nothing themselves: the tools do, with the caller's credential.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mcp_types import PromptArgument

from mcp_gateway.policy.rules import ALL_TOOLS
from sessions_app.links import ACCEPTED_SHAPES
from sessions_app.models import SessionKind

SESSION_ARGUMENT = PromptArgument(
    name="session",
    description=f"The Alloy session: {ACCEPTED_SHAPES}. Type part of its title to pick a recent one.",
    required=True,
)


@dataclass(frozen=True)
class PromptSpec:
    name: str
    title: str
    description: str
    render: Callable[[str], str]  # the session argument → the message's text
    arguments: tuple[PromptArgument, ...] = (SESSION_ARGUMENT,)
    # The kind of session the prompt is for (completion offers only those); None: any.
    session_kind: SessionKind | None = None

    @property
    def tools(self) -> tuple[str, ...]:
        """The tools the prompt's message tells Claude to call: a workspace that turned one off does not offer it."""
        text = self.render("")
        return tuple(name for name in ALL_TOOLS if name in text)


def _summarise(session: str) -> str:
    return f"""Summarise the chat of the Alloy session {session}.

1. Call get_session with session="{session}" to learn its title, kind and size.
2. Call get_chat_history with the same session, and call it again with each next_cursor until there is
   none, so you have read the whole chat; a message marked truncated continues with its fetch_rest_with
   arguments.
3. Answer with: the goal in one or two sentences; the decisions made, each with its reason and the message
   index it was made at; what was built or changed; and the questions left open. Quote sparingly."""


def _review_changes(session: str) -> str:
    return f"""Review what the Alloy dev session {session} changed, and show the diffs that matter.

1. Call get_session with session="{session}"; if it is a prototype session, say so and stop.
2. Call list_session_files with the same session (follow next_cursor): each changed file has its status
   (added, modified, deleted) and the lines added and removed.
3. Pick the files that matter — behaviour, interfaces, data, security, tests — over generated files,
   lock files and formatting; call get_file_diff with each one's path (follow fetch_rest_with when a
   diff is truncated), and get_file_content when you need the code around a change.
4. Answer with: a summary of the change; the files that matter, each with what changed and why it matters,
   quoting the key hunks; risks and what to test; and the files you skipped, in one line."""


def _explain_prototype(session: str) -> str:
    return f"""Explain how the prototype built in the Alloy session {session} works.

1. Call get_session with session="{session}".
2. Call list_session_files with the same session and with_content=true (follow next_cursor): how the app
   is organised, with the text of the files that fit.
3. Read the files that came without their text and matter with get_file_content: package.json or the
   build config, index.html, main/index/App files, routes, state and data code. Skip assets and lock files.
4. If the design is unclear, get_chat_history tells you what the person asked for.
5. Answer with: what the app does; its structure (a short tree of the files that matter and what each
   does); how data and control flow through it for its main feature; how to run it; and what is missing
   or fragile."""


def _implementation_notes(session: str) -> str:
    return f"""Turn the decisions made in the chat of the Alloy session {session} into implementation notes.

1. Call get_session with session="{session}".
2. Call get_chat_history with the same session and follow every next_cursor to the end: later messages
   may revise earlier decisions, and the last word counts.
3. For a dev session, also call list_session_files to see what was actually changed.
4. Write implementation notes an engineer could work from: requirements; decisions with their reasons
   (and the message index each came from); data and interfaces; constraints and non-goals; open
   questions; and a checklist of the work, marking what the session already did."""


PROMPTS = [
    PromptSpec(
        "summarise_session",
        "Summarise an Alloy session",
        "Summarise a session's chat: goal, decisions and why, what was built, open questions.",
        _summarise,
    ),
    PromptSpec(
        "review_changes",
        "What changed, and which diffs matter",
        "Review a dev session: the changed files, the diffs that matter with why, risks and what to test.",
        _review_changes,
        session_kind="dev",
    ),
    PromptSpec(
        "explain_prototype",
        "Explain how a prototype works",
        "Explain a prototype session's app: what it does, its structure, how it works and how to run it.",
        _explain_prototype,
        session_kind="prototype",
    ),
    PromptSpec(
        "implementation_notes",
        "Turn the chat's decisions into implementation notes",
        "Requirements, decisions with reasons, interfaces, open questions and a checklist, from a session's chat.",
        _implementation_notes,
    ),
]
PROMPTS_BY_NAME = {spec.name: spec for spec in PROMPTS}
