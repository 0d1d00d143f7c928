"""The committed view (session_view/dist/session-view.html) is what its source builds to: a change to the
source that was not rebuilt (`make view`) fails here, so the server never serves a stale view."""

import subprocess

from mcp_gateway.protocol.session_view import BUILT_VIEW

VIEW_FOLDER = BUILT_VIEW.parents[1]


def test_the_committed_view_matches_its_source(tmp_path):
    assert (VIEW_FOLDER / "node_modules" / "esbuild").is_dir(), "run `make test` (it installs session_view's packages)"
    rebuilt = tmp_path / "session-view.html"
    subprocess.run(["node", str(VIEW_FOLDER / "build.mjs"), str(rebuilt)], check=True, timeout=120, capture_output=True)
    assert rebuilt.read_bytes() == BUILT_VIEW.read_bytes(), "the view's source changed: run `make view` and commit"
