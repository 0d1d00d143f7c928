// Building the view's DOM. Text is only ever added as text nodes, never parsed as HTML: whatever a chat
// message, a title, a path or a file holds (script tags, `img onerror`, HTML files) shows as the characters
// it is made of.

/** An element with attributes (`class`, `on<event>` listeners, others as is) and children (nodes or text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

// Direction marks, embeddings, overrides and isolates, and the invisible spaces (alloy/visible.py): they change
// how a title, path or link label reads without showing. Joiners (U+200C, U+200D) are left alone.
const INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** The text with each invisible format character shown as its code point: `src/⟨U+202E⟩gpj.js`. */
export function visible(text) {
  return String(text ?? "").replace(INVISIBLE, (char) => `⟨U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
}

/** "1,234" in the person's locale. */
export function count(value) {
  return Number(value ?? 0).toLocaleString();
}

/** "3 Dec 2026, 11:42" from an ISO time, or "" without one. */
export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The URL when it is one a person may follow from the view (http, https or mailto), else null. */
export function safeUrl(text) {
  try {
    const url = new URL(text);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** A button that fetches more: disabled while `load()` runs; on a failure, enabled again, with the error's
 * sentence added to `footer`. */
export function moreButton(label, footer, load) {
  const button = h("button", { type: "button", class: "button" }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await load();
    } catch (error) {
      button.disabled = false;
      footer.append(h("p", { class: "problem", role: "alert" }, error.message));
    }
  });
  return button;
}

/** Call `work(items slice)` over `items` in slices, the first at once and the rest one per frame, so the
 * first screen paints before a long list is built. Resolves when every slice is done. */
export function inSlices(items, size, work) {
  return new Promise((resolve) => {
    let start = 0;
    const step = () => {
      work(items.slice(start, start + size), start);
      start += size;
      if (start < items.length) requestAnimationFrame(step);
      else resolve();
    };
    step();
  });
}
