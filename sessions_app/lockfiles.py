"""What a lock file's change means: the packages added, removed and moved from one version to another.

A lock file's diff is thousands of lines a reviewer never reads (a version bump moves its resolved URL and
its hash too); the packages that changed are what they ask. Each format is read by the standard library
(json, tomllib) or by its own line syntax, never by running a package manager.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

Packages = dict[str, set[str]]  # name → the versions locked (some lock files hold several of one package)


@dataclass(frozen=True)
class PackageChanges:
    added: list[str]  # "name version"
    removed: list[str]
    changed: list[str]  # "name old → new"

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def reads_packages(path: str) -> bool:
    """Whether `path` names a lock file whose format is read here."""
    return PurePosixPath(path).name in _READERS


def package_changes(*, path: str, before: str | None, after: str | None) -> PackageChanges | None:
    """The packages a lock file's change added, removed and changed, or None when its format is not one read
    here (or does not parse)."""
    if not reads_packages(path):
        return None
    read = _READERS[PurePosixPath(path).name]
    try:
        old, new = read(before or ""), read(after or "")
    # A lock file that does not parse, or nests past what the parser follows.
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    added = [f"{name} {_versions(new[name])}" for name in sorted(new.keys() - old.keys())]
    removed = [f"{name} {_versions(old[name])}" for name in sorted(old.keys() - new.keys())]
    changed = [
        f"{name} {_versions(old[name] - new[name])} → {_versions(new[name] - old[name])}"
        for name in sorted(old.keys() & new.keys())
        if old[name] != new[name]
    ]
    return PackageChanges(added=added, removed=removed, changed=changed)


def _versions(versions: set[str]) -> str:
    return ", ".join(sorted(versions)) or "?"


def _collect(pairs: list[tuple[str, str]]) -> Packages:
    packages: Packages = defaultdict(set)
    for name, version in pairs:
        if name and version:
            packages[name].add(version)
    return packages


def _npm(text: str) -> Packages:
    if not text.strip():
        return {}
    document = json.loads(text)
    if "packages" in document:  # lockfileVersion 2 and 3: keyed by install path
        return _collect(
            [
                (key.rsplit("node_modules/", 1)[-1], entry.get("version", ""))
                for key, entry in document["packages"].items()
                if key and isinstance(entry, dict)
            ]
        )
    pairs: list[tuple[str, str]] = []
    stack = [document.get("dependencies", {})]
    while stack:  # lockfileVersion 1: nested; walked without recursion
        for name, entry in stack.pop().items():
            pairs.append((name, entry.get("version", "")))
            stack.append(entry.get("dependencies", {}))
    return _collect(pairs)


_YARN_VERSION = re.compile(r'^\s+version:?\s+"?([^"\s]+)"?\s*$')


def _yarn(text: str) -> Packages:
    """yarn.lock, classic (`version "1.2.3"`) and berry (`version: 1.2.3`)."""
    pairs, name = [], ""
    for line in text.splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith(":") and not line.startswith("#"):
            spec = line.rstrip()[:-1].split(",")[0].strip().strip('"')
            name = spec[: spec.index("@", 1)] if "@" in spec[1:] else spec
        elif name and (match := _YARN_VERSION.match(line)):
            pairs.append((name, match[1]))
            name = ""
    return _collect(pairs)


_PNPM_KEY = re.compile(r"^  '?/?((?:@[^/@\s]+/)?[^/@\s(']+)[@/](\d[^:'(\s]*)")


def _pnpm(text: str) -> Packages:
    """pnpm-lock.yaml: the keys of its `packages:` section (`/name@1.2.3`, `name@1.2.3`, `/name/1.2.3`)."""
    pairs, inside = [], False
    for line in text.splitlines():
        if line and not line[0].isspace():
            inside = line.rstrip() == "packages:"
        elif inside and (match := _PNPM_KEY.match(line)):
            pairs.append((match[1], match[2]))
    return _collect(pairs)


def _toml_packages(text: str) -> Packages:
    """poetry.lock, uv.lock, pdm.lock and Cargo.lock: `[[package]]` tables with a name and a version."""
    document = tomllib.loads(text) if text.strip() else {}
    return _collect([(entry["name"], str(entry.get("version", ""))) for entry in document.get("package", [])])


def _go_sum(text: str) -> Packages:
    pairs = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            pairs.append((parts[0], parts[1].removesuffix("/go.mod")))
    return _collect(pairs)


_GEM = re.compile(r"^    (\S+) \(([^)]+)\)$")


def _gemfile(text: str) -> Packages:
    return _collect([(match[1], match[2]) for line in text.splitlines() if (match := _GEM.match(line))])


def _composer(text: str) -> Packages:
    document = json.loads(text) if text.strip() else {}
    entries = [*document.get("packages", []), *document.get("packages-dev", [])]
    return _collect([(entry["name"], entry.get("version", "")) for entry in entries])


def _pipfile(text: str) -> Packages:
    document = json.loads(text) if text.strip() else {}
    sections = [document.get("default", {}), document.get("develop", {})]
    return _collect(
        [(name, entry.get("version", "").lstrip("=")) for section in sections for name, entry in section.items()]
    )


_READERS: dict[str, Callable[[str], Packages]] = {
    "package-lock.json": _npm,
    "npm-shrinkwrap.json": _npm,
    "yarn.lock": _yarn,
    "pnpm-lock.yaml": _pnpm,
    "poetry.lock": _toml_packages,
    "uv.lock": _toml_packages,
    "pdm.lock": _toml_packages,
    "Cargo.lock": _toml_packages,
    "go.sum": _go_sum,
    "Gemfile.lock": _gemfile,
    "composer.lock": _composer,
    "Pipfile.lock": _pipfile,
}
