// Markdown for chat messages, with the session pages' safety rules: no raw HTML (it shows as text), no
// images (their alt text shows instead), and links only to http, https and mailto addresses. Built as DOM
// nodes, never as an HTML string.
import { h, safeUrl, visible } from "./dom.js";
import { highlightLine } from "./highlight.js";

const FENCE = /^\s*(```+|~~~+)\s*([\w+#.-]*)/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;

/** The message's Markdown as a fragment of block elements. `onLink(url)` opens a link through the host. */
export function renderMarkdown(text, onLink) {
  const fragment = document.createDocumentFragment();
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    const fence = FENCE.exec(line);
    if (fence) {
      const body = [];
      index += 1;
      while (index < lines.length && !lines[index].trim().startsWith(fence[1])) body.push(lines[index++]);
      index += 1; // the closing fence
      const code = h("code");
      body.forEach((codeLine, position) => {
        if (position) code.append("\n");
        code.append(highlightLine(codeLine, fence[2]));
      });
      fragment.append(h("pre", { class: "md-code", tabindex: 0 }, code));
      continue;
    }
    if (!line.trim()) {
      index += 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(heading[1].length + 2, 6); // the view's own headings come first
      fragment.append(h(`h${level}`, { class: "md-heading" }, inline(heading[2], onLink)));
      index += 1;
      continue;
    }
    if (RULE.test(line)) {
      fragment.append(h("hr"));
      index += 1;
      continue;
    }
    const list = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (list) {
      const items = h(list === BULLET ? "ul" : "ol");
      while (index < lines.length && list.exec(lines[index])) {
        items.append(h("li", {}, inline(list.exec(lines[index])[1], onLink)));
        index += 1;
      }
      fragment.append(items);
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted = [];
      while (index < lines.length && QUOTE.test(lines[index])) quoted.push(QUOTE.exec(lines[index++])[1]);
      fragment.append(h("blockquote", {}, renderMarkdown(quoted.join("\n"), onLink)));
      continue;
    }
    const paragraph = [];
    while (index < lines.length && lines[index].trim() && !startsBlock(lines[index])) paragraph.push(lines[index++]);
    const element = h("p");
    paragraph.forEach((paragraphLine, position) => {
      if (position) element.append(h("br"));
      element.append(inline(paragraphLine, onLink));
    });
    fragment.append(element);
  }
  return fragment;
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || BULLET.test(line) || NUMBERED.test(line) || QUOTE.test(line);
}

// Code spans, images (alt text only), links, bare addresses, bold, italic; everything else is text.
const INLINE =
  /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|!\[([^\]]*)\]\([^)]*\)|\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|\*(?=[^\s*])([^*]*?[^\s*])\*|(?<![\w])_(?=[^\s_])([^_]*?[^\s_])_(?![\w])/g;

export function inline(text, onLink) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) fragment.append(text.slice(last, match.index));
    last = match.index + match[0].length;
    const [, , code, alt, label, target, bare, strong, strongUnderscore, emphasis, emphasisUnderscore] = match;
    if (code !== undefined) fragment.append(h("code", { class: "md-inline-code" }, code));
    else if (alt !== undefined) fragment.append(alt ? `[image: ${alt}]` : "[image]");
    else if (label !== undefined) fragment.append(link(label, target, onLink));
    else if (bare !== undefined) fragment.append(link(bare, bare, onLink));
    else if (strong !== undefined || strongUnderscore !== undefined)
      fragment.append(h("strong", {}, inline(strong ?? strongUnderscore, onLink)));
    else fragment.append(h("em", {}, inline(emphasis ?? emphasisUnderscore, onLink)));
  }
  if (last < text.length) fragment.append(text.slice(last));
  return fragment;
}

function link(label, target, onLink) {
  const url = safeUrl(target);
  if (!url) return label === target ? visible(label) : `${visible(label)} (${visible(target)})`;
  return h(
    "a",
    {
      href: url,
      rel: "noopener noreferrer",
      target: "_blank",
      onclick: (event) => {
        event.preventDefault();
        onLink(url);
      },
    },
    visible(label),
  );
}
