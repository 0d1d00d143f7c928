"""Searches: session titles in a workspace (`titles.py`, behind list_sessions and completions) and words
within one session's chat and files (`in_session.py`, behind search_session)."""

# The longest query either search takes (a tool's input schema says so too).
MAX_QUERY_LENGTH = 200
