"""Sessions of the shapes people bring, made up here (seeded, so every run is the same), as import documents
(docs/session-format.md): what `make costs`, the end-to-end tests and `make bench` measure on.

- `long_chat`: 600 messages, about 600,000 characters, half of them the person's: short asks, longer
  explanations, now and then a pasted log; the AI's answers are prose with code blocks.
- `dev_change`: 40 changed files: a 12,000-line package-lock.json with 265 packages moved to a new version, a
  file renamed, one deleted, an image replaced, a 3,000-line file with 5 edits, and source, tests and docs
  edited as a feature lands.
- `prototype`: 25 files, about 2,500 lines, in nested folders: React components, hooks, styles, an HTML page,
  a Python API, SQL, configuration. `prototype_symbols` says which top-level symbols each file holds and on
  which line, as they were written, so a map can be checked against them.

Nothing here was tuned to a figure: the shapes are what the issue describes, the text is varied by a seeded
random choice of words.
"""

from __future__ import annotations

import base64
import json
import random
import struct
from typing import Any

WORDS = [
    "order",
    "list",
    "table",
    "filter",
    "date",
    "sort",
    "page",
    "button",
    "modal",
    "form",
    "field",
    "error",
    "toast",
    "retry",
    "cache",
    "query",
    "index",
    "user",
    "account",
    "session",
    "token",
    "export",
    "import",
    "queue",
    "worker",
    "stream",
    "event",
    "handler",
    "route",
    "schema",
    "column",
    "migration",
    "test",
    "layout",
    "header",
    "footer",
    "sidebar",
    "card",
    "badge",
    "search",
    "result",
    "empty",
    "state",
    "loading",
    "spinner",
    "debounce",
    "throttle",
    "input",
    "select",
    "option",
    "value",
    "label",
    "total",
    "price",
    "discount",
    "invoice",
    "customer",
    "address",
    "shipping",
    "status",
    "pending",
    "paid",
]
ASKS = (
    "Can you make the {0} {1} by {2}?",
    "The {0} breaks when the {1} is empty; please fix it.",
    "Add a {0} to the {1} page, next to the {2}.",
    "Why does the {0} call the {1} twice?",
    "Let's rename {0} to {1} everywhere.",
    "Use a {0} instead of a {1} for the {2}.",
    "Looks good. Now the {0} should show the {1} too.",
)


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + rng.choice((".", ".", ".", "?"))


def _prose(rng: random.Random, characters: int) -> str:
    text: list[str] = []
    while sum(map(len, text)) < characters:
        paragraph = " ".join(_sentence(rng, rng.randint(6, 16)) for _ in range(rng.randint(2, 5)))
        text.append(paragraph)
    return "\n\n".join(text)[:characters].rstrip() + "."


def _code_block(rng: random.Random, lines: int) -> str:
    name = rng.choice(WORDS)
    body = [f"export function {name}{n}({rng.choice(WORDS)}) {{" for n in range(1)]
    body += [f"  const {rng.choice(WORDS)}{n} = {rng.choice(WORDS)}.{rng.choice(WORDS)}({n});" for n in range(lines)]
    body.append("}")
    return "```js\n" + "\n".join(body) + "\n```"


def _person_message(rng: random.Random, index: int) -> str:
    roll = rng.random()
    ask = rng.choice(ASKS).format(*(rng.choice(WORDS) for _ in range(3)))
    if roll < 0.6:
        return ask
    if roll < 0.9:
        return ask + " " + _prose(rng, rng.randint(250, 800))
    log = "\n".join(f"ERROR {rng.choice(WORDS)}: {rng.choice(WORDS)} failed at step {n}" for n in range(30))
    return ask + " Here is the log:\n\n```\n" + log + "\n```"


def _assistant_message(rng: random.Random) -> str:
    parts = [_prose(rng, rng.randint(800, 1700))]
    if rng.random() < 0.45:
        parts.append(_code_block(rng, rng.randint(6, 18)))
        parts.append(_prose(rng, rng.randint(150, 400)))
    return "\n\n".join(parts)


def long_chat(*, messages: int = 600, seed: int = 600) -> list[dict[str, Any]]:
    """A chat of `messages` messages: the person asks, the AI answers (now and then twice in a row)."""
    rng = random.Random(seed)
    chat, role = [], "user"
    for index in range(messages):
        minute = index * 3
        content = _person_message(rng, index) if role == "user" else _assistant_message(rng)
        chat.append(
            {
                "role": role,
                "author": "Dana Reyes" if role == "user" else "Alloy",
                "content": content,
                "created_at": f"2026-11-{3 + minute // 1440:02}T{minute // 60 % 24:02}:{minute % 60:02}:00Z",
            }
        )
        # The AI answers each ask; now and then it goes on in a second message.
        role = "assistant" if role == "user" or rng.random() < 0.03 else "user"
    return chat


def chat_document(workspace: str, session_id: str, *, messages: int = 600) -> dict[str, Any]:
    return _document(
        workspace, session_id, "prototype", "A long chat about an orders app", long_chat(messages=messages)
    ) | {"files": [{"path": "src/App.jsx", "content": "export default function App() {}\n"}]}


# A dev change ---------------------------------------------------------------------------------------------


def _lockfile(rng: random.Random, bumped: set[int], *, after: bool, seed: int = 0) -> str:
    packages: dict[str, Any] = {"": {"name": "orders", "version": "1.0.0"}}
    for n in range(1000):
        major, minor = n % 7, n % 13
        patch = n % 5 + (1 if after and n in bumped else 0)
        version = f"{major}.{minor}.{patch}"
        name = f"pkg-{WORDS[(n + seed) % len(WORDS)]}-{n}"
        packages[f"node_modules/{name}"] = {
            "version": version,
            "resolved": f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",
            "integrity": "sha512-" + base64.b64encode(f"{name}{version}".encode() * 3).decode()[:40],
            "dev": n % 3 == 0,
            "engines": {"node": ">=18"},
            "license": "MIT",
            "optional": False,
            "peer": False,
        }
    return (
        json.dumps({"name": "orders", "version": "1.0.0", "lockfileVersion": 3, "packages": packages}, indent=2) + "\n"
    )


def lock_file_change(*, seed: int, bumped: int = 265) -> dict[str, Any]:
    """A 12,000-line package-lock.json with `bumped` packages moved to a new patch version, as a change."""
    rng = random.Random(seed)
    moved = set(rng.sample(range(1000), bumped))
    return {
        "path": "package-lock.json",
        "before": _lockfile(rng, moved, after=False, seed=seed),
        "after": _lockfile(rng, moved, after=True, seed=seed),
    }


def _module(name: str, functions: int, *, lines_each: int) -> str:
    out = [f"// {name}: what the orders screens share.", ""]
    for n in range(functions):
        out.append(f"export function {name}Step{n}(order) {{")
        out += [f"  const value{k} = order.items[{k}]?.price ?? 0;" for k in range(lines_each)]
        out += ["  return value0;", "}", ""]
    return "\n".join(out) + "\n"


def _edit(text: str, rng: random.Random, edits: int) -> str:
    lines = text.split("\n")
    for _ in range(edits):
        at = rng.randrange(2, len(lines) - 2)
        lines[at] = lines[at].replace("?? 0", "?? order.fallback") if "?? 0" in lines[at] else lines[at] + " // checked"
    return "\n".join(lines)


def png_bytes(width: int, height: int, *, filler: int) -> str:
    header = (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\0\0\0"
    )
    return base64.b64encode(header + bytes(range(256)) * filler).decode()


def dev_change(*, seed: int = 40) -> list[dict[str, Any]]:
    """The 40 changed files of a dev session, as the import format lists them."""
    rng = random.Random(seed)
    files: list[dict[str, Any]] = [lock_file_change(seed=seed)]
    big = _module("orders", 300, lines_each=7)  # 3,000 lines and more
    files.append({"path": "src/services/orders.js", "before": big, "after": _edit(big, rng, 5)})
    moved = _module("format", 12, lines_each=4)
    files.append({"path": "src/utils/format.js", "before": moved})
    files.append({"path": "src/lib/format.js", "after": moved})
    files.append({"path": "src/legacy/oldApi.js", "before": _module("oldApi", 15, lines_each=5)})
    files.append(
        {
            "path": "public/logo.png",
            "before_base64": png_bytes(256, 256, filler=40),
            "after_base64": png_bytes(512, 512, filler=90),
        }
    )
    for n in range(23):
        text = _module(f"feature{n}", rng.randint(4, 12), lines_each=rng.randint(3, 8))
        files.append(
            {"path": f"src/features/feature{n}/index.js", "before": text, "after": _edit(text, rng, rng.randint(1, 6))}
        )
    for n in range(10):
        text = _module(f"feature{n}Test", rng.randint(3, 8), lines_each=4)
        files.append(
            {"path": f"tests/feature{n}.test.js", "before": text, "after": _edit(text, rng, rng.randint(1, 4))}
        )
    readme = _prose(rng, 1500)
    files.append(
        {"path": "README.md", "before": readme, "after": readme + "\n\n## Orders\n\n" + _prose(rng, 300) + "\n"}
    )
    files.append({"path": "CHANGELOG.md", "after": "# Changelog\n\n- Orders stream through a queue.\n"})
    return files


def dev_document(workspace: str, session_id: str) -> dict[str, Any]:
    messages = [{"role": "user", "author": "Dana Reyes", "content": "Stream order changes through a queue."}]
    return _document(workspace, session_id, "dev", "Orders: stream changes through a queue", messages) | {
        "files": dev_change()
    }


# A prototype ----------------------------------------------------------------------------------------------

COMPONENTS = ("Header", "Footer", "OrderList", "OrderRow", "OrderFilters", "Pagination", "EmptyState", "Toast")


def _component(name: str, rng: random.Random) -> tuple[str, list[tuple[str, str, int]]]:
    lines = ['import { useState } from "react";', 'import "./styles.css";', ""]
    symbols = []
    for verb in ("format", "sort", "group"):
        symbols.append(("function", f"{verb}{name}", len(lines) + 1))
        lines.append(f"function {verb}{name}(values) {{")
        lines += [f"  // {_sentence(rng, 7)}" for _ in range(rng.randint(8, 16))]
        lines += ["  return values;", "}", ""]
    helper = f"format{name}"
    symbols.append(("component", name, len(lines) + 1))
    lines.append(f"export default function {name}({{ items = [], onSelect }}) {{")
    lines.append("  const [open, setOpen] = useState(false);")
    for _ in range(rng.randint(120, 170)):
        lines.append(f"  // {_sentence(rng, 6)}")
    lines += ["  return (", f'    <section className="{name.lower()}">', "      {items.map((item) => (",
              f"        <div key={{item.id}} onClick={{() => onSelect(item)}}>{{{helper}(item.name)}}</div>",
              "      ))}", "    </section>", "  );", "}", ""]  # fmt: skip
    symbols.append(("component", f"{name}Skeleton", len(lines) + 1))
    lines += [f'export const {name}Skeleton = () => <div className="skeleton" />;', ""]
    return "\n".join(lines), symbols


def _python_api(rng: random.Random) -> tuple[str, list[tuple[str, str, int]]]:
    lines = ["from fastapi import FastAPI", "", "app = FastAPI()", "PAGE_SIZE = 50", ""]
    symbols = [("const", "PAGE_SIZE", 4)]
    for resource in ("orders", "customers", "invoices", "payments"):
        lines.append(f'@app.get("/{resource}")')
        symbols.append(("function", f"list_{resource}", len(lines) + 1))
        lines.append(f"def list_{resource}(page: int = 0):")
        lines += [f"    # {_sentence(rng, 7)}" for _ in range(rng.randint(10, 20))]
        lines += ["    return []", "", ""]
    symbols.append(("class", "OrderStore", len(lines) + 1))
    lines += ["class OrderStore:", "    def __init__(self):", "        self.items = []", "", "    def add(self, item):",
              "        self.items.append(item)", ""]  # fmt: skip
    return "\n".join(lines), symbols


def prototype(*, seed: int = 25) -> tuple[list[dict[str, Any]], dict[str, list[tuple[str, str, int]]]]:
    """25 files and the top-level symbols written into each (kind, name, line)."""
    rng = random.Random(seed)
    files: dict[str, str] = {}
    symbols: dict[str, list[tuple[str, str, int]]] = {}
    for name in COMPONENTS:
        files[f"src/components/{name}/{name}.jsx"], symbols[f"src/components/{name}/{name}.jsx"] = _component(name, rng)
    for hook in ("useOrders", "useFilters", "usePagination"):
        text = f'import {{ useEffect, useState }} from "react";\n\nexport function {hook}(initial) {{\n'
        text += "".join(f"  // {_sentence(rng, 8)}\n" for _ in range(rng.randint(60, 90)))
        text += "  const [state, setState] = useState(initial);\n  return [state, setState];\n}\n"
        files[f"src/hooks/{hook}.js"], symbols[f"src/hooks/{hook}.js"] = text, [("function", hook, 3)]
    client = 'const BASE_URL = "/api";\n\nexport async function getOrders(page) {\n'
    client += "  return fetch(`${BASE_URL}/orders?page=${page}`);\n}\n\nexport class ApiError extends Error {\n"
    client += "".join(f"  // {_sentence(rng, 8)}\n" for _ in range(40)) + "}\n"
    files["src/api/client.js"] = client
    symbols["src/api/client.js"] = [("const", "BASE_URL", 1), ("function", "getOrders", 3), ("class", "ApiError", 7)]
    app = 'import { createRoot } from "react-dom/client";\n'
    app += 'import OrderList from "./components/OrderList/OrderList";\n\n'
    app += "export default function App() {\n  return <OrderList />;\n}\n\n"
    app += 'createRoot(document.getElementById("root")).render(<App />);\n'
    files["src/App.jsx"], symbols["src/App.jsx"] = app, [("component", "App", 4)]
    css = "".join(f".{name.lower()} {{\n  display: flex;\n  gap: 8px;\n  padding: 12px;\n}}\n\n" for name in COMPONENTS)
    files["src/styles.css"], symbols["src/styles.css"] = css * 4, []
    files["index.html"] = "<!doctype html>\n<html>\n<head>\n  <title>Orders</title>\n</head>\n<body>\n"
    files["index.html"] += '  <div id="root"></div>\n  <script type="module" src="/src/App.jsx"></script>\n'
    files["index.html"] += "</body>\n</html>\n"
    symbols["index.html"] = []
    files["server/app.py"], symbols["server/app.py"] = _python_api(rng)
    schema = "".join(
        f"CREATE TABLE {t} (\n  id serial PRIMARY KEY,\n  created_at timestamptz NOT NULL\n);\n\n"
        for t in ("orders", "customers", "invoices")
    )
    files["db/schema.sql"], symbols["db/schema.sql"] = schema, []
    files["package.json"] = (
        json.dumps(
            {"name": "orders", "private": True, "scripts": {"dev": "vite"}, "dependencies": {"react": "^19.0.0"}},
            indent=2,
        )
        + "\n"
    )
    symbols["package.json"] = []
    files["vite.config.js"] = (
        'import { defineConfig } from "vite";\n\nexport default defineConfig({ server: { port: 5173 } });\n'
    )
    symbols["vite.config.js"] = []
    files["README.md"] = "# Orders\n\n" + _prose(rng, 1200) + "\n"
    symbols["README.md"] = []
    for util in ("money", "dates"):
        path, names = f"src/utils/{util}.js", [f"{util}{verb}" for verb in ("Format", "Parse", "Compare")]
        text, found = "", []
        for name in names:
            found.append(("function", name, text.count("\n") + 1))
            text += f"export function {name}(value) {{\n"
            text += "".join(f"  // {_sentence(rng, 8)}\n" for _ in range(rng.randint(15, 25)))
            text += "  return value;\n}\n\n"
        files[path], symbols[path] = text, found
    models = "from dataclasses import dataclass\n\n\n"
    found = []
    for model in ("Order", "Customer", "Invoice"):
        found.append(("class", model, models.count("\n") + 2))
        models += f"@dataclass\nclass {model}:\n    id: int\n"
        models += "".join(f"    # {_sentence(rng, 7)}\n" for _ in range(rng.randint(10, 20))) + "\n\n"
    files["server/models.py"], symbols["server/models.py"] = models, found
    files["server/requirements.txt"] = "fastapi==0.115.0\nuvicorn==0.32.0\n"
    symbols["server/requirements.txt"] = []
    files[".env.example"] = "API_URL=http://localhost:8000\n"
    symbols[".env.example"] = []
    documents = [{"path": path, "content": text} for path, text in sorted(files.items())]
    return documents, symbols


def prototype_document(workspace: str, session_id: str) -> dict[str, Any]:
    messages = [{"role": "user", "author": "Dana Reyes", "content": "Build an orders screen with filters."}]
    return _document(workspace, session_id, "prototype", "Orders prototype", messages) | {"files": prototype()[0]}


def _document(workspace: str, session_id: str, kind: str, title: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "workspace": workspace,
        "id": session_id,
        "kind": kind,
        "title": title,
        "status": "active",
        "created_at": "2026-11-03T09:00:00Z",
        "updated_at": "2026-11-04T18:00:00Z",
        "messages": messages,
    }
