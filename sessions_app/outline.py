"""A map of a file: its top-level symbols (functions, classes and their methods, components, exported names,
types, routes; a stylesheet's rules; a document's keys; a schema's tables) with their lines, from a real
parser.

tree-sitter with the grammar packages themselves, each compiled into its wheel: nothing is fetched at run
time (tree-sitter-language-pack downloads its parsers at first use, which fails offline). Parsing is
incremental C and error-tolerant: a file with a syntax error still yields what parses. A file larger than
MAX_OUTLINED_BYTES is not parsed (a generated bundle has no map worth reading).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

import tree_sitter
import tree_sitter_css
import tree_sitter_html
import tree_sitter_javascript
import tree_sitter_json
import tree_sitter_python
import tree_sitter_sql
import tree_sitter_toml
import tree_sitter_typescript
import tree_sitter_yaml

MAX_OUTLINED_BYTES = 1_000_000
# A file's map names at most this many symbols; the rest are counted ("and 40 more").
MAX_SYMBOLS = 60
_NAME_CHARS = 60  # a selector list or a route is cut past this
QUOTES = "`\"'"
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "all", "route", "use"})


@dataclass(frozen=True)
class Symbol:
    kind: str  # function, component, class, method, const, type, interface, enum, route, rule, key, table, …
    name: str
    line: int  # 1-based, where it starts
    end_line: int  # where it ends


@dataclass(frozen=True)
class Outline:
    symbols: list[Symbol]
    more: int = 0  # symbols past MAX_SYMBOLS, not listed


def outline_language(path: str) -> str | None:
    """The grammar that maps `path`, by its suffix, or None when there is none here."""
    return _GRAMMAR_BY_SUFFIX.get(PurePosixPath(path).suffix.lower())


def outline(path: str, text: str) -> Outline | None:
    """The map of a file, or None when no grammar here reads its kind or it is past MAX_OUTLINED_BYTES."""
    grammar = outline_language(path)
    source = text.encode()
    if grammar is None or len(source) > MAX_OUTLINED_BYTES:
        return None
    root = _parser(grammar).parse(source).root_node
    symbols = list(_SYMBOLS[grammar](root, grammar))
    return Outline(symbols=symbols[:MAX_SYMBOLS], more=max(0, len(symbols) - MAX_SYMBOLS))


_LANGUAGES: dict[str, Callable[[], object]] = {
    "javascript": tree_sitter_javascript.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "tsx": tree_sitter_typescript.language_tsx,
    "python": tree_sitter_python.language,
    "css": tree_sitter_css.language,
    "html": tree_sitter_html.language,
    "json": tree_sitter_json.language,
    "yaml": tree_sitter_yaml.language,
    "toml": tree_sitter_toml.language,
    "sql": tree_sitter_sql.language,
}
_GRAMMAR_BY_SUFFIX = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",  # the JavaScript grammar reads JSX
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".py": "python",
    ".pyi": "python",
    ".css": "css",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".toml": "toml",
    ".sql": "sql",
}


@functools.cache
def _language(grammar: str) -> tree_sitter.Language:
    return tree_sitter.Language(_LANGUAGES[grammar]())


def _parser(grammar: str) -> tree_sitter.Parser:
    # A parser is cheap and not thread-safe: one per parse (languages are shared, and are).
    return tree_sitter.Parser(_language(grammar))


Node = tree_sitter.Node


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return " ".join(node.text.decode(errors="replace").split())


def _short(text: str) -> str:
    return text if len(text) <= _NAME_CHARS else text[: _NAME_CHARS - 1] + "…"


def _symbol(kind: str, name: str, node: Node, *, at: Node | None = None) -> Symbol:
    """A symbol spanning `node`, found at its first line or at `at`'s (a definition under its decorators)."""
    line = (at or node).start_point.row + 1
    return Symbol(kind=kind, name=_short(name), line=line, end_line=node.end_point.row + 1)


# JavaScript and TypeScript (JSX and TSX too) ------------------------------------------------------------

_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})


def _script_symbols(root: Node, grammar: str) -> Iterator[Symbol]:
    for child in root.named_children:
        node = child
        if node.type == "export_statement":
            declaration = node.child_by_field_name("declaration")
            if declaration is None:
                continue  # `export { a, b }` or `export default name`: named where they are declared
            node = declaration
        yield from _script_declaration(node, outer=child)


def _script_declaration(node: Node, *, outer: Node) -> Iterator[Symbol]:
    name = _text(node.child_by_field_name("name"))
    match node.type:
        case "function_declaration" | "generator_function_declaration":
            yield _symbol(_function_kind(name), name, outer)
        case "class_declaration" | "abstract_class_declaration":
            yield _symbol("class", name, outer)
            body = node.child_by_field_name("body")
            for member in body.named_children if body is not None else ():
                if member.type in ("method_definition", "abstract_method_signature"):
                    yield _symbol("method", f"{name}.{_text(member.child_by_field_name('name'))}", member)
        case "lexical_declaration" | "variable_declaration":
            for declarator in node.named_children:
                if declarator.type != "variable_declarator":
                    continue
                declared = _text(declarator.child_by_field_name("name"))
                value = declarator.child_by_field_name("value")
                kind = _function_kind(declared) if value is not None and _is_function(value) else "const"
                yield _symbol(kind, declared, outer if len(node.named_children) == 1 else declarator)
        case "interface_declaration":
            yield _symbol("interface", name, outer)
        case "type_alias_declaration":
            yield _symbol("type", name, outer)
        case "enum_declaration":
            yield _symbol("enum", name, outer)
        case "expression_statement":
            if (route := _route(node.named_children[0] if node.named_children else None)) is not None:
                yield _symbol("route", route, outer)


def _is_function(value: Node) -> bool:
    """An arrow or function expression, or one wrapped in a call (`memo(() => …)`, `forwardRef(…)`)."""
    if value.type in _FUNCTION_VALUES:
        return True
    if value.type == "call_expression":
        arguments = value.child_by_field_name("arguments")
        return any(argument.type in _FUNCTION_VALUES for argument in (arguments.named_children if arguments else ()))
    return False


def _function_kind(name: str) -> str:
    # React's rule: a component's name starts with a capital letter.
    return "component" if name[:1].isupper() else "function"


def _route(call: Node | None) -> str | None:
    """`app.get("/items", …)` or `router.post('/x', …)` as "GET /items"."""
    if call is None or call.type != "call_expression":
        return None
    function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
    if function is None or function.type != "member_expression" or arguments is None:
        return None
    method = _text(function.child_by_field_name("property"))
    first = arguments.named_children[0] if arguments.named_children else None
    if method not in ROUTE_METHODS or first is None or first.type not in ("string", "template_string"):
        return None
    return f"{method.upper()} {_text(first).strip(QUOTES)}"


# Python ------------------------------------------------------------------------------------------------


def _python_symbols(root: Node, grammar: str) -> Iterator[Symbol]:
    for child in root.named_children:
        yield from _python_definition(child, outer=child, owner="")


def _python_definition(node: Node, *, outer: Node, owner: str) -> Iterator[Symbol]:
    if node.type == "decorated_definition":
        definition = node.child_by_field_name("definition")
        for decorator in node.named_children:
            if decorator.type == "decorator" and (route := _python_route(decorator)) is not None:
                yield _symbol("route", route, node)
        if definition is not None:
            yield from _python_definition(definition, outer=node, owner=owner)
        return
    name = _text(node.child_by_field_name("name"))
    if node.type == "function_definition":
        yield _symbol("method" if owner else "function", f"{owner}{name}", outer, at=node)
    elif node.type == "class_definition" and not owner:
        yield _symbol("class", name, outer, at=node)
        body = node.child_by_field_name("body")
        for member in body.named_children if body is not None else ():
            yield from _python_definition(member, outer=member, owner=f"{name}.")
    elif node.type == "expression_statement" and not owner:
        assignment = node.named_children[0] if node.named_children else None
        if assignment is not None and assignment.type == "assignment":
            target = _text(assignment.child_by_field_name("left"))
            if target.isidentifier() and target.isupper():
                yield _symbol("const", target, node)


def _python_route(decorator: Node) -> str | None:
    """`@app.get("/items")` or `@router.route("/x")` as "GET /items"."""
    call = decorator.named_children[0] if decorator.named_children else None
    if call is None or call.type != "call":
        return None
    function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
    if function is None or function.type != "attribute" or arguments is None or not arguments.named_children:
        return None
    method, first = _text(function.child_by_field_name("attribute")), arguments.named_children[0]
    if method not in ROUTE_METHODS or first.type != "string":
        return None
    return f"{method.upper()} {_text(first).strip(QUOTES)}"


# Stylesheets, pages, documents, schemas ----------------------------------------------------------------


def _css_symbols(root: Node, grammar: str) -> Iterator[Symbol]:
    for child in root.named_children:
        if child.type == "rule_set":
            selectors = next((part for part in child.named_children if part.type == "selectors"), None)
            yield _symbol("rule", _text(selectors), child)
        elif child.type == "media_statement":
            yield _symbol("media", _text(child).split("{", 1)[0].removeprefix("@media").strip(), child)
        elif child.type == "keyframes_statement":
            name = next((part for part in child.named_children if part.type == "keyframes_name"), None)
            yield _symbol("keyframes", _text(name), child)


def _html_symbols(root: Node, grammar: str) -> Iterator[Symbol]:
    """The title, each element with an id, and each script and stylesheet a page loads. Walked with a stack,
    not recursion: a page may nest deeper than Python's recursion limit."""
    stack = [root]
    found: list[Symbol] = []
    while stack:
        node = stack.pop()
        if node.type in ("element", "script_element", "style_element"):
            start = next((part for part in node.named_children if part.type in ("start_tag", "self_closing_tag")), None)
            tag = _text(start.named_children[0]) if start is not None and start.named_children else ""
            attributes = _html_attributes(start)
            if tag == "title":
                found.append(_symbol("title", _text(node).removeprefix("<title>").removesuffix("</title>"), node))
            if "id" in attributes:
                found.append(_symbol("element", f"{tag}#{attributes['id']}", node))
            if tag == "script" and "src" in attributes:
                found.append(_symbol("script", attributes["src"], node))
            if tag == "link" and attributes.get("rel") == "stylesheet" and "href" in attributes:
                found.append(_symbol("stylesheet", attributes["href"], node))
        stack.extend(reversed(node.named_children))
    yield from found


def _html_attributes(start: Node | None) -> dict[str, str]:
    attributes = {}
    for attribute in start.named_children if start is not None else ():
        if attribute.type == "attribute" and attribute.named_children:
            name = _text(attribute.named_children[0])
            value = _text(attribute.named_children[1]) if len(attribute.named_children) > 1 else ""
            attributes[name] = value.strip("\"'")
    return attributes


def _json_symbols(root: Node, grammar: str) -> Iterator[Symbol]:
    document = root.named_children[0] if root.named_children else None
    for pair in document.named_children if document is not None and document.type == "object" else ():
        if pair.type == "pair":
            yield _symbol("key", _text(pair.child_by_field_name("key")).strip('"'), pair)


def _yaml_symbols(root: Node, grammar: str) -> Iterator[Symbol]:
    for document in root.named_children:
        body = document.named_children[0] if document.named_children else None
        mapping = body.named_children[0] if body is not None and body.named_children else None
        for pair in mapping.named_children if mapping is not None and mapping.type == "block_mapping" else ():
            if pair.type == "block_mapping_pair":
                yield _symbol("key", _text(pair.child_by_field_name("key")), pair)


def _toml_symbols(root: Node, grammar: str) -> Iterator[Symbol]:
    for child in root.named_children:
        if child.type == "pair":
            yield _symbol("key", _text(child.named_children[0]), child)
        elif child.type in ("table", "table_array_element"):
            brackets = "[[{}]]" if child.type == "table_array_element" else "[{}]"
            yield _symbol("table", brackets.format(_text(child.named_children[0])), child)


_SQL_KINDS = {
    "create_table": "table",
    "create_view": "view",
    "create_materialized_view": "view",
    "create_function": "function",
    "create_index": "index",
    "create_type": "type",
    "create_trigger": "trigger",
    "alter_table": "alter table",
}


def _sql_symbols(root: Node, grammar: str) -> Iterator[Symbol]:
    for statement in root.named_children:
        created = statement.named_children[0] if statement.named_children else None
        if created is None or (kind := _SQL_KINDS.get(created.type)) is None:
            continue
        named = next((part for part in created.named_children if part.type in ("object_reference", "identifier")), None)
        yield _symbol(kind, _text(named), statement)


_SYMBOLS: dict[str, Callable[[Node, str], Iterator[Symbol]]] = {
    "javascript": _script_symbols,
    "typescript": _script_symbols,
    "tsx": _script_symbols,
    "python": _python_symbols,
    "css": _css_symbols,
    "html": _html_symbols,
    "json": _json_symbols,
    "yaml": _yaml_symbols,
    "toml": _toml_symbols,
    "sql": _sql_symbols,
}
