"""A file's map from tree-sitter's real grammars: each language's top-level symbols at their lines."""

import pytest

from sessions_app.diffs import changed_lines
from sessions_app.generated import generated_kind
from sessions_app.outline import MAX_OUTLINED_BYTES, MAX_SYMBOLS, outline


def labels(path: str, text: str) -> list[str]:
    mapped = outline(path, text)
    assert mapped is not None
    return [f"{symbol.kind} {symbol.name}:{symbol.line}" for symbol in mapped.symbols]


def test_javascript_with_jsx_components_functions_classes_and_routes():
    text = """import express from "express";
export const API_URL = "/api";

export default function App() {
  return <Layout />;
}

const Button = ({ label }) => <button>{label}</button>;
export const Card = React.memo(function Card() { return null; });

class Store {
  add(item) {}
  get size() { return 0; }
}

function helper() {}
app.get("/items", (req, res) => res.json([]));
router.post('/items/:id', update);
"""
    assert labels("src/App.jsx", text) == [
        "const API_URL:2",
        "component App:4",
        "component Button:8",
        "component Card:9",
        "class Store:11",
        "method Store.add:12",
        "method Store.size:13",
        "function helper:16",
        "route GET /items:17",
        "route POST /items/:id:18",
    ]


def test_typescript_types_interfaces_enums_and_tsx():
    text = """export interface Item {
  id: number;
}
export type Id = string;
export enum Color { Red, Green }
export async function load(id: Id): Promise<Item> {
  return fetch(`/items/${id}`).then((r) => r.json());
}
export abstract class Repo<T> {
  abstract find(id: Id): T;
}
"""
    assert labels("src/api.ts", text) == [
        "interface Item:1",
        "type Id:4",
        "enum Color:5",
        "function load:6",
        "class Repo:9",
        "method Repo.find:10",
    ]
    assert labels("src/View.tsx", "export const View = (): JSX.Element => <div>{1 as number}</div>;\n") == [
        "component View:1"
    ]


def test_python_functions_classes_methods_constants_and_routes():
    text = """import os

MAX_ITEMS = 100
logger = None


@app.get("/items")
async def list_items():
    return []


class Store:
    def add(self, item):
        pass

    @property
    def size(self):
        return 0
"""
    assert labels("api/app.py", text) == [
        "const MAX_ITEMS:3",
        "route GET /items:7",
        "function list_items:8",
        "class Store:12",
        "method Store.add:13",
        "method Store.size:17",
    ]


def test_html_css_and_sql():
    page = """<!doctype html>
<html>
  <head>
    <title>Todo</title>
    <link rel="stylesheet" href="styles.css">
  </head>
  <body>
    <main id="app"></main>
    <script src="main.js"></script>
  </body>
</html>
"""
    assert labels("index.html", page) == [
        "title Todo:4",
        "stylesheet styles.css:5",
        "element main#app:8",
        "script main.js:9",
    ]
    css = ".button, a:hover {\n  color: red;\n}\n\n@media (max-width: 600px) {\n  .button { width: 100%; }\n}\n"
    css += "@keyframes spin { to { transform: rotate(1turn); } }\n"
    assert labels("styles.css", css) == ["rule .button, a:hover:1", "media (max-width: 600px):5", "keyframes spin:8"]
    sql = "CREATE TABLE todos (\n  id serial primary key\n);\n\nCREATE INDEX todos_id ON todos (id);\n"
    sql += "CREATE VIEW open_todos AS SELECT * FROM todos;\n"
    assert labels("schema.sql", sql) == ["table todos:1", "index todos_id:5", "view open_todos:6"]


def test_configuration_formats_give_their_top_level_keys():
    assert labels("package.json", '{\n  "name": "todo",\n  "scripts": {\n    "dev": "vite"\n  }\n}\n') == [
        "key name:2",
        "key scripts:3",
    ]
    assert labels("ci.yml", "name: CI\non:\n  push: {}\njobs:\n  test:\n    runs-on: x\n") == [
        "key name:1",
        "key on:2",
        "key jobs:4",
    ]
    assert labels("pyproject.toml", 'title = "x"\n\n[project]\nname = "todo"\n\n[tool.ruff]\nline-length = 100\n') == [
        "key title:1",
        "table [project]:3",
        "table [tool.ruff]:6",
    ]


def test_a_file_that_does_not_parse_still_gives_what_does():
    assert labels("broken.js", "function ok() {}\nfunction (((( {\n") == ["function ok:1"]


def test_no_map_for_unknown_kinds_or_files_too_large():
    assert outline("README.md", "# Todo\n") is None
    assert outline("run.sh", "echo hi\n") is None
    assert outline("huge.js", "x;\n" * (MAX_OUTLINED_BYTES // 2)) is None


def test_past_the_limit_symbols_are_counted_not_listed():
    mapped = outline("many.py", "".join(f"def f{n}():\n    pass\n" for n in range(MAX_SYMBOLS + 40)))
    assert mapped is not None
    assert len(mapped.symbols) == MAX_SYMBOLS
    assert mapped.more == 40


def test_a_page_nested_deeper_than_the_recursion_limit_is_mapped():
    page = "<div>" * 5_000 + '<p id="deep"></p>' + "</div>" * 5_000
    assert labels("deep.html", page) == ["element p#deep:1"]


def test_changed_lines_name_the_new_sides_lines():
    before = "".join(f"{n}\n" for n in range(1, 11))
    after = before.replace("3\n", "three\n").replace("7\n", "")
    assert changed_lines(before=before, after=after) == [(3, 3), (6, 6)]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("package-lock.json", "lockfile"),
        ("web/yarn.lock", "lockfile"),
        ("poetry.lock", "lockfile"),
        ("go.sum", "lockfile"),
        ("dist/app.min.js", "generated"),
        ("src/__generated__/types.ts", "generated"),
        ("proto/user_pb2.py", "generated"),
        ("src/App.jsx", None),
        ("lockfile.md", None),
    ],
)
def test_lock_files_and_generated_code_by_name(path, kind):
    assert generated_kind(path) == kind


def test_minified_code_is_generated_whatever_its_name():
    assert generated_kind("public/app.js", "var a=1;" * 2_000) == "generated"
    assert generated_kind("public/app.js", "var a = 1;\n" * 2_000) is None
