// Syntax highlighting, one line at a time: comments, strings, numbers, keywords and tags, by the
// language's family. A line is highlighted alone (a comment or string that spans lines colours its first
// line only): it keeps a long file or diff cheap to render in slices and a page of it independent of the
// page before.
import { h } from "./dom.js";

const C_LIKE_KEYWORDS =
  "abstract as async await break case catch class const continue debugger default defer delete do else enum export extends false final finally fn for from func function go if impl implements import in instanceof interface let loop match mod module mut namespace new nil null of package private protected pub public readonly return satisfies select self static struct super switch this throw throws trait true try type typeof undefined unsafe use var void where while with yield";
const PYTHON_KEYWORDS =
  "and as assert async await break case class continue def del elif else except False finally for from global if import in is lambda match None nonlocal not or pass raise return self True try while with yield";
const SHELL_KEYWORDS = "case do done elif else esac export fi for function if in local readonly return then until while";
const SQL_KEYWORDS =
  "add alter and as asc between by case check column constraint create cross default delete desc distinct drop else end exists foreign from full group having if in index inner insert into is join key left like limit not null offset on or order outer primary references returning right select set table then union unique update using values view when where with";

const FAMILIES = {
  c: { comment: String.raw`\/\/.*|\/\*.*?(?:\*\/|$)`, keywords: C_LIKE_KEYWORDS },
  python: { comment: String.raw`#.*`, keywords: PYTHON_KEYWORDS },
  shell: { comment: String.raw`(?:^|\s)#.*`, keywords: SHELL_KEYWORDS },
  sql: { comment: String.raw`--.*`, keywords: SQL_KEYWORDS, caseless: true },
  css: { comment: String.raw`\/\*.*?(?:\*\/|$)`, keywords: "important media import supports keyframes from to" },
  markup: { comment: String.raw`<!--.*?(?:-->|$)`, keywords: "", tags: true },
  data: { comment: String.raw`(?:^|\s)#.*`, keywords: "true false null yes no on off" },
  plain: null,
};

const BY_LANGUAGE = {
  javascript: "c", js: "c", jsx: "c", mjs: "c", cjs: "c", typescript: "c", ts: "c", tsx: "c", java: "c",
  kotlin: "c", go: "c", rust: "c", rs: "c", c: "c", cpp: "c", "c++": "c", csharp: "c", cs: "c", swift: "c",
  php: "c", scala: "c", dart: "c", json: "data", jsonc: "c", python: "python", py: "python", ruby: "python",
  rb: "python", shell: "shell", bash: "shell", sh: "shell", zsh: "shell", dockerfile: "shell", make: "shell",
  makefile: "shell", sql: "sql", css: "css", scss: "css", less: "css", html: "markup", xml: "markup",
  svg: "markup", vue: "markup", svelte: "markup", markdown: "markup", md: "markup", yaml: "data", yml: "data",
  toml: "data", ini: "data",
};

const compiled = new Map();

function grammar(language) {
  const family = FAMILIES[BY_LANGUAGE[String(language || "").toLowerCase()] ?? "plain"];
  if (!family) return null;
  if (!compiled.has(family)) {
    const parts = [
      `(${family.comment})`,
      String.raw`("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|\x60(?:[^\x60\\]|\\.)*\x60?)`,
      String.raw`(\b(?:0x[\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\b)`,
      family.tags ? String.raw`(<\/?[A-Za-z][\w:-]*|\/?>)` : "(?!)",
      String.raw`([A-Za-z_$][\w$-]*)`,
    ];
    const keywords = new Set(family.keywords.split(" ").filter(Boolean).map((word) => (family.caseless ? word.toLowerCase() : word)));
    compiled.set(family, { pattern: new RegExp(parts.join("|"), "g"), keywords, caseless: family.caseless });
  }
  return compiled.get(family);
}

/** One line of code as a fragment of text and coloured spans. */
export function highlightLine(text, language) {
  const rules = grammar(language);
  if (!rules || text.length > 2000) return document.createTextNode(text); // minified lines stay plain
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(rules.pattern)) {
    const [token, comment, string, number, tag, word] = match;
    let kind = null;
    if (comment !== undefined) kind = "tok-comment";
    else if (string !== undefined) kind = "tok-string";
    else if (number !== undefined) kind = "tok-number";
    else if (tag !== undefined) kind = "tok-tag";
    else if (word !== undefined && rules.keywords.has(rules.caseless ? word.toLowerCase() : word)) kind = "tok-keyword";
    if (!kind) continue;
    if (match.index > last) fragment.append(text.slice(last, match.index));
    fragment.append(h("span", { class: kind }, token));
    last = match.index + token.length;
  }
  if (last < text.length) fragment.append(text.slice(last));
  return fragment;
}

/** The language a path's extension suggests, for code whose language the server did not name. */
export function languageOf(path, named) {
  if (named) return named;
  const name = String(path || "").toLowerCase().split("/").pop();
  if (name === "dockerfile" || name === "makefile") return name;
  return name.includes(".") ? name.split(".").pop() : "";
}
