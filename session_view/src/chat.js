// The chat: messages oldest first, the person's and the AI's told apart, Markdown rendered safely, long
// messages folded, and the next page loaded through get_chat_history's cursor.
import { clear, count, h, moreButton, when } from "./dom.js";
import { callTool, openLink } from "./host.js";
import { renderMarkdown } from "./markdown.js";

const FOLD_CHARS = 1200;
const FOLD_LINES = 18;
const EARLIER_PAGE = 50;
const ROLE_LABELS = { user: "Person", assistant: "AI", system: "System", tool: "Tool" };

export async function renderChat(panel, { session, first }) {
  const earlier = h("div", { class: "more earlier" });
  const list = h("ol", { class: "messages", "aria-label": "Chat messages" });
  const footer = h("div", { class: "more" });
  panel.append(earlier, list, footer);
  const shown = new Map(); // message index -> {content, body, item}
  let total = 0;

  const item = (message, role) => {
    const entry = { content: message.content, item: null, body: null, toggle: null };
    entry.item = h(
      "li",
      { class: `message role-${role}`, "data-index": message.index },
      h(
        "div",
        { class: "message-meta" },
        h("span", { class: "role" }, ROLE_LABELS[role] ?? role),
        message.author ? h("span", { class: "author" }, message.author) : null,
        message.created_at ? h("time", { datetime: message.created_at }, when(message.created_at)) : null,
        h("span", { class: "message-number" }, `#${message.index}`),
      ),
    );
    entry.body = h("div", { class: "message-body" });
    entry.item.append(entry.body);
    shown.set(message.index, entry);
    fill(entry, message);
    return entry.item;
  };

  const add = (page, { before = null } = {}) => {
    total = page.total_messages ?? total;
    for (const message of page.messages) {
      const role = message.role ?? page.role; // a page of one role says it once
      const known = shown.get(message.index);
      if (known && message.starts_at_char) {
        known.content += message.content; // the rest of a message cut at the end of the previous page
        fill(known, message);
        continue;
      }
      if (known) continue;
      list.insertBefore(item(message, role), before);
    }
    offerEarlier();
  };

  // Opened at a message (a search hit's start_index): the ones before it are a click away.
  const offerEarlier = () => {
    clear(earlier);
    const firstShown = Math.min(...shown.keys());
    if (!shown.size || firstShown <= 0) return;
    const from = Math.max(0, firstShown - EARLIER_PAGE);
    const button = moreButton(`Earlier messages (#${from} to #${firstShown - 1})`, earlier, async () => {
      const page = await callTool("get_chat_history", { session: session.id, start_index: from, limit: firstShown - from });
      add({ ...page, messages: page.messages.filter((message) => message.index < firstShown) }, { before: list.firstChild });
    });
    earlier.append(button);
  };

  const showPage = (page) => {
    add(page);
    clear(footer);
    if (!page.messages.length && !shown.size) footer.append(h("p", { class: "muted" }, "This session has no messages yet."));
    const indexes = [...shown.keys()];
    const range = indexes.length ? `Messages #${Math.min(...indexes)} to #${Math.max(...indexes)} of ${count(total)}` : "";
    if (page.next_cursor) {
      const button = moreButton("Load more", footer, async () =>
        showPage(await callTool("get_chat_history", { session: session.id, cursor: page.next_cursor })),
      );
      footer.append(h("p", { class: "muted" }, range), button);
    } else if (page.live) {
      // A running session: what has been said since, when the person asks (the host calls the tool again).
      const next = indexes.length ? Math.max(...indexes) + 1 : 0;
      const button = moreButton("Newer messages", footer, async () => {
        const newer = await callTool("get_chat_history", { session: session.id, start_index: next });
        if (newer.messages.length) showPage(newer);
        else {
          button.disabled = false;
          status.textContent = "Nothing new yet: the session is still running.";
        }
      });
      const status = h("p", { class: "muted", role: "status" }, `${range ? `${range}. ` : ""}Still running: more may come.`);
      footer.append(status, button);
    }
  };

  // An outline (a line a message) is for the model to skim: the view shows the messages themselves.
  showPage(first?.messages ? first : await callTool("get_chat_history", { session: session.id }));
}

function fill(entry, message) {
  const body = clear(entry.body);
  body.append(h("div", { class: "markdown" }, renderMarkdown(entry.content, openLink)));
  if (message.truncated) body.append(h("p", { class: "muted" }, "This message continues on the next page."));
  entry.toggle?.remove();
  const long = entry.content.length > FOLD_CHARS || entry.content.split("\n").length > FOLD_LINES;
  body.classList.toggle("folded", long);
  if (!long) return;
  entry.toggle = h("button", { type: "button", class: "button link", "aria-expanded": "false" }, "Show the whole message");
  entry.toggle.addEventListener("click", () => {
    const folded = body.classList.toggle("folded");
    entry.toggle.setAttribute("aria-expanded", String(!folded));
    entry.toggle.textContent = folded ? "Show the whole message" : "Fold the message";
  });
  entry.item.append(entry.toggle);
}
