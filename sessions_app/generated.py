"""Files a reviewer does not read line by line: lock files and generated or minified code.

Named after GitHub linguist's rules (lib/linguist/generated.rb and vendor.yml), the ones that matter in the
sessions Alloy sees: package managers' lock files by name, minified bundles and source maps by name, and
generated code by its conventional suffix or folder. A file none of these name is still taken for generated
when it reads as minified (long lines, few of them), which is what a build's output looks like.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

GeneratedKind = Literal["lockfile", "generated"]

LOCKFILE_NAMES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "Cargo.lock",
        "go.sum",
        "Gemfile.lock",
        "composer.lock",
        "mix.lock",
        "flake.lock",
        "Podfile.lock",
        "pubspec.lock",
        "packages.lock.json",
        "gradle.lockfile",
        "Package.resolved",
    }
)
_GENERATED_SUFFIXES = (
    ".min.js",
    ".min.mjs",
    ".min.css",
    ".js.map",
    ".css.map",
    ".bundle.js",
    "_pb2.py",
    "_pb2_grpc.py",
    ".pb.go",
    ".pb.cc",
    ".pb.h",
    ".designer.cs",
    ".g.dart",
    ".freezed.dart",
)
_GENERATED_FOLDERS = frozenset({"__generated__", "node_modules", "__snapshots__"})
# Minified: at least this much text, in lines this long on average.
_MINIFIED_MIN_CHARS = 2_000
_MINIFIED_LINE_CHARS = 300


def generated_kind(path: str, text: str | None = None) -> GeneratedKind | None:
    """ "lockfile", "generated", or None for a file a reviewer reads; `text`, when given, is looked at for
    minified code."""
    posix = PurePosixPath(path)
    if posix.name in LOCKFILE_NAMES:
        return "lockfile"
    if posix.name.endswith(_GENERATED_SUFFIXES) or _GENERATED_FOLDERS.intersection(posix.parts[:-1]):
        return "generated"
    if text is not None and len(text) >= _MINIFIED_MIN_CHARS:
        lines = text.count("\n") + 1
        if len(text) / lines >= _MINIFIED_LINE_CHARS:
            return "generated"
    return None
