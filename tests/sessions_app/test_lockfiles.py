"""Lock files read as the packages they lock, in each package manager's own format."""

import json

import pytest

from sessions_app.lockfiles import package_changes

YARN_CLASSIC = """# yarn lockfile v1


"@babel/core@^7.0.0", "@babel/core@^7.1.0":
  version "{babel}"
  resolved "https://registry.example/@babel/core.tgz"

lodash@^4.17.0:
  version "{lodash}"
"""
YARN_BERRY = """__metadata:
  version: 8

"react@npm:^18.0.0":
  version: {react}
  resolution: "react@npm:{react}"
"""
PNPM = """lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      vue:
        specifier: ^3.0.0
        version: 3.4.0

packages:

  '@vue/shared@{shared}':
    resolution: {{integrity: sha512-x}}

  vue@{vue}:
    resolution: {{integrity: sha512-y}}
"""
POETRY = """[[package]]
name = "django"
version = "{django}"

[[package]]
name = "pytest"
version = "8.0.0"
"""
GO_SUM = """github.com/pkg/errors {errors} h1:abc=
github.com/pkg/errors {errors}/go.mod h1:def=
"""
GEMFILE = """GEM
  remote: https://rubygems.org/
  specs:
    rails ({rails})
      actionpack (= {rails})
    rake (13.0.0)
"""


def npm(packages: dict[str, str]) -> str:
    entries = {"": {"name": "app"}} | {f"node_modules/{name}": {"version": v} for name, v in packages.items()}
    return json.dumps({"lockfileVersion": 3, "packages": entries})


@pytest.mark.parametrize(
    ("path", "template", "old", "new", "changed"),
    [
        ("yarn.lock", YARN_CLASSIC, {"babel": "7.1.0", "lodash": "4.17.20"}, {"babel": "7.1.0", "lodash": "4.17.21"},
         ["lodash 4.17.20 → 4.17.21"]),
        ("yarn.lock", YARN_BERRY, {"react": "18.2.0"}, {"react": "18.3.1"}, ["react 18.2.0 → 18.3.1"]),
        ("pnpm-lock.yaml", PNPM, {"shared": "3.4.0", "vue": "3.4.0"}, {"shared": "3.4.1", "vue": "3.4.0"},
         ["@vue/shared 3.4.0 → 3.4.1"]),
        ("poetry.lock", POETRY, {"django": "5.1.0"}, {"django": "5.2.0"}, ["django 5.1.0 → 5.2.0"]),
        ("Cargo.lock", POETRY, {"django": "1.0.0"}, {"django": "1.0.1"}, ["django 1.0.0 → 1.0.1"]),
        ("go.sum", GO_SUM, {"errors": "v0.8.1"}, {"errors": "v0.9.1"}, ["github.com/pkg/errors v0.8.1 → v0.9.1"]),
        ("Gemfile.lock", GEMFILE, {"rails": "7.0.0"}, {"rails": "7.1.0"}, ["rails 7.0.0 → 7.1.0"]),
    ],
)  # fmt: skip
def test_each_format_gives_the_versions_that_moved(path, template, old, new, changed):
    result = package_changes(path=path, before=template.format(**old), after=template.format(**new))
    assert result is not None
    assert result.changed == changed
    assert (result.added, result.removed) == ([], [])


def test_npm_lock_files_nested_installs_and_version_one():
    before = npm({"a": "1.0.0", "b/node_modules/a": "2.0.0"})
    after = npm({"a": "1.1.0", "c": "0.1.0"})
    result = package_changes(path="package-lock.json", before=before, after=after)
    assert result is not None
    assert (result.added, result.removed, result.changed) == (["c 0.1.0"], [], ["a 1.0.0, 2.0.0 → 1.1.0"])
    version_one = json.dumps({"lockfileVersion": 1, "dependencies": {"x": {"version": "1.0.0", "dependencies": {
        "y": {"version": "2.0.0"}}}}})  # fmt: skip
    added = package_changes(path="npm-shrinkwrap.json", before=None, after=version_one)
    assert added is not None
    assert added.added == ["x 1.0.0", "y 2.0.0"]


def test_composer_and_pipfile_locks():
    composer = lambda v: json.dumps({"packages": [{"name": "laravel/framework", "version": v}]})  # noqa: E731
    result = package_changes(path="composer.lock", before=composer("v10.0.0"), after=composer("v11.0.0"))
    assert result is not None
    assert result.changed == ["laravel/framework v10.0.0 → v11.0.0"]
    pipfile = lambda v: json.dumps({"default": {"requests": {"version": f"=={v}"}}, "develop": {}})  # noqa: E731
    result = package_changes(path="Pipfile.lock", before=pipfile("2.31.0"), after=pipfile("2.32.0"))
    assert result is not None
    assert result.changed == ["requests 2.31.0 → 2.32.0"]


def test_a_lock_file_that_does_not_parse_or_is_not_known_gives_nothing():
    assert package_changes(path="package-lock.json", before="{", after="{}") is None
    assert package_changes(path="poetry.lock", before="[[package]\n", after="") is None
    assert package_changes(path="bun.lockb", before="", after="") is None
    # Nested past what the parser follows: no packages, never an uncaught RecursionError.
    assert package_changes(path="package-lock.json", before="[" * 100_000 + "]" * 100_000, after="{}") is None
