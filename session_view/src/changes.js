// A dev session's changes: the changed files with their +/- counts, each diff collapsible, with old and
// new line numbers, added and removed rows, the words that changed marked, unified or split, highlighted.
// A long diff comes in pages (get_file_diff's cursor): each page is built in slices, the first at once,
// and the next page is asked for when the end of the last one scrolls into sight.
import { clear, count, h, inSlices, visible } from "./dom.js";
import { allFiles } from "./files.js";
import { highlightLine, languageOf } from "./highlight.js";
import { callTool } from "./host.js";
import { newNumbering, parseUnified } from "./diff.js";

const SLICE = 300;
const SIGNS = { add: "+", del: "-", context: " " };
let layout = "unified"; // or "split"; one choice for every diff in the view
// Two columns of code need room: below this panel width a split diff is shown unified (and says so).
const SPLIT_MIN_WIDTH = 640;
let roomForSplit = true;
const shownDiffs = new Set();
let firstScreenMeasured = false;

export async function renderChanges(panel, { session, first }) {
  const toolbar = h("div", { class: "toolbar", role: "group", "aria-label": "Diff layout" });
  for (const [name, label] of [["unified", "Unified"], ["split", "Split"]]) {
    toolbar.append(
      h(
        "button",
        {
          type: "button",
          class: "button toggle",
          "data-layout": name,
          "aria-pressed": String(layout === name),
          onclick: () => setLayout(name, toolbar),
        },
        label,
      ),
    );
  }
  const note = h("p", { class: "layout-note muted", role: "status" });
  const list = h("ul", { class: "changes", "aria-label": "Changed files" });
  panel.append(toolbar, note, list);
  // The space the diffs actually have, not the screen's: the panel's width, followed as the host resizes it.
  const fit = () => {
    const room = panel.clientWidth >= SPLIT_MIN_WIDTH;
    note.textContent = layout === "split" && !room ? "A split diff needs a wider view: shown unified (full screen gives it room)." : "";
    if (room === roomForSplit) return;
    roomForSplit = room;
    for (const diff of shownDiffs) diff.rerender();
  };
  toolbar.addEventListener("click", fit);
  new ResizeObserver(fit).observe(panel);
  roomForSplit = panel.clientWidth >= SPLIT_MIN_WIDTH;
  const given = first?.diffs ? new Map(first.diffs.map((diff) => [diff.path, diff])) : new Map();
  if (given.size) {
    // The tool's own diffs first, open, before the list of every changed file arrives.
    for (const diff of given.values()) list.append(changedFile(session, diff, diff));
  }
  const { files, complete } = await allFiles(session, first?.files ? first : null);
  const already = new Set(given.keys());
  for (const file of files) if (!already.has(file.path)) list.append(changedFile(session, file, null));
  if (!files.length && !given.size) panel.append(h("p", { class: "muted" }, "This session changed no files."));
  if (!complete) panel.append(h("p", { class: "muted" }, `The first ${count(files.length)} changed files are shown.`));
}

function setLayout(name, toolbar) {
  layout = name;
  for (const button of toolbar.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.layout === name));
  }
  for (const diff of shownDiffs) diff.rerender();
}

function changedFile(session, file, openWith) {
  const body = h("div", { class: "file-diff", hidden: true });
  const toggle = h(
    "button",
    { type: "button", class: "file-toggle", "aria-expanded": "false" },
    h("span", { class: "path" }, visible(file.path)),
    h("span", { class: `status status-${file.status}` }, file.status),
    file.renamed_from ? h("span", { class: "muted" }, `from ${visible(file.renamed_from)}`) : null,
    file.additions !== undefined && file.additions !== null ? h("span", { class: "added-count" }, `+${count(file.additions)}`) : null,
    file.deletions !== undefined && file.deletions !== null ? h("span", { class: "removed-count" }, `-${count(file.deletions)}`) : null,
  );
  let diff = null;
  const expand = async (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    body.hidden = !open;
    if (!open || diff) return;
    diff = new FileDiff(session, file.path, body);
    try {
      await diff.addPage(openWith ?? (await callTool("get_file_diff", { session: session.id, path: file.path })).diffs[0]);
    } catch (error) {
      body.append(h("p", { class: "problem", role: "alert" }, error.message));
    }
  };
  toggle.addEventListener("click", () => expand(toggle.getAttribute("aria-expanded") !== "true"));
  if (openWith) expand(true);
  return h("li", { class: "changed-file" }, h("h2", { class: "file-heading" }, toggle), body);
}

class FileDiff {
  constructor(session, path, container) {
    this.session = session;
    this.language = languageOf(path);
    this.rows = [];
    this.numbering = newNumbering();
    this.table = h("div", { class: "diff" });
    this.footer = h("div", { class: "more" });
    this.end = h("div", { class: "diff-end", "aria-hidden": "true" });
    this.scroll = h("div", { class: "diff-scroll", tabindex: 0, "aria-label": `Diff of ${visible(path)}` }, this.table, this.end);
    container.append(this.scroll, this.footer);
    shownDiffs.add(this);
  }

  async addPage(view) {
    if (!view) return;
    if (view.summary) {
      // What stands for a diff not worth reading line by line: a lock file's packages, a size, a deletion.
      const packages = view.packages
        ? ["added", "removed", "changed"].flatMap((kind) => view.packages[kind].map((line) => h("li", {}, `${kind}: ${line}`)))
        : [];
      this.footer.replaceChildren(h("p", { class: "muted" }, view.summary), packages.length ? h("ul", { class: "packages" }, ...packages) : "");
      return;
    }
    if (view.binary) {
      this.footer.replaceChildren(h("p", { class: "muted" }, "A binary file: no lines to compare."));
      return;
    }
    if (!view.diff && view.renamed_from) {
      this.footer.replaceChildren(h("p", { class: "muted" }, "Moved without a change to its text."));
      return;
    }
    const rows = parseUnified(view.diff ?? "", this.numbering);
    this.rows.push(...rows);
    clear(this.footer);
    await this.build(rows);
    this.next = view.truncated ?? null;
    if (this.next) this.offerMore();
  }

  offerMore() {
    const button = h(
      "button",
      { type: "button", class: "button", onclick: () => this.loadMore() },
      `Show ${count(this.next.remaining_lines)} more lines`,
    );
    this.footer.append(button);
    // The next page comes when the person scrolls the diff near its end, as well as on the button.
    this.observer?.disconnect();
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) this.loadMore();
      },
      { root: this.scroll, rootMargin: "0px 0px 600px 0px" },
    );
    this.observer.observe(this.end);
  }

  async loadMore() {
    if (!this.next || this.loading) return;
    this.loading = true;
    this.observer?.disconnect();
    const next = this.next;
    this.next = null;
    this.footer.querySelector("button")?.setAttribute("disabled", "");
    try {
      const page = await callTool("get_file_diff", next.fetch_rest_with);
      await this.addPage(page.diffs[0]);
    } catch (error) {
      this.next = next;
      this.footer.append(h("p", { class: "problem", role: "alert" }, error.message));
    } finally {
      this.loading = false;
    }
  }

  rerender() {
    clear(this.table);
    this.build(this.rows);
  }

  build(rows) {
    const split = layout === "split" && roomForSplit;
    this.table.classList.toggle("split", split);
    const lines = split ? splitRows(rows) : rows;
    return inSlices(lines, SLICE, (slice, offset) => {
      const block = h("div", { class: "diff-slice" });
      for (const line of slice) block.append(split ? this.splitRow(line) : this.unifiedRow(line));
      this.table.append(block);
      if (offset === 0) markFirstScreen();
    });
  }

  unifiedRow(row) {
    if (row.kind === "hunk" || row.kind === "note") return h("div", { class: `diff-row kind-${row.kind}` }, h("span", { class: "diff-wide" }, row.text));
    return h(
      "div",
      { class: `diff-row kind-${row.kind}` },
      h("span", { class: "line-number", "aria-hidden": "true" }, row.old ?? ""),
      h("span", { class: "line-number", "aria-hidden": "true" }, row.new ?? ""),
      h("span", { class: "sign", "aria-hidden": "true" }, SIGNS[row.kind]),
      this.text(row),
    );
  }

  splitRow([left, right]) {
    if (left && (left.kind === "hunk" || left.kind === "note")) return this.unifiedRow(left);
    const side = (row, number) =>
      row
        ? [h("span", { class: `line-number side-${row.kind}`, "aria-hidden": "true" }, row[number] ?? ""), this.text(row, `side-${row.kind}`)]
        : [h("span", { class: "line-number side-empty", "aria-hidden": "true" }), h("span", { class: "line-text side-empty" })];
    return h("div", { class: "diff-row split-row" }, side(left, "old"), side(right, "new"));
  }

  text(row, extra = "") {
    const cell = h("span", { class: `line-text ${extra}` });
    const label = { add: "added: ", del: "removed: " }[row.kind];
    if (label) cell.append(h("span", { class: "visually-hidden" }, label));
    if (!row.segments) {
      cell.append(highlightLine(row.text, this.language));
      return cell;
    }
    for (const segment of row.segments) {
      cell.append(segment.changed ? h("mark", { class: "word-changed" }, highlightLine(segment.text, this.language)) : highlightLine(segment.text, this.language));
    }
    return cell;
  }
}

/** Unified rows as [left, right] pairs: context on both sides, removed lines beside the added ones. */
function splitRows(rows) {
  const pairs = [];
  let index = 0;
  while (index < rows.length) {
    const row = rows[index];
    if (row.kind !== "del" && row.kind !== "add") {
      pairs.push(row.kind === "context" ? [row, row] : [row, null]);
      index += 1;
      continue;
    }
    const removed = [];
    const added = [];
    while (index < rows.length && rows[index].kind === "del") removed.push(rows[index++]);
    while (index < rows.length && rows[index].kind === "add") added.push(rows[index++]);
    for (let pair = 0; pair < Math.max(removed.length, added.length); pair += 1) pairs.push([removed[pair] ?? null, added[pair] ?? null]);
  }
  return pairs;
}

function markFirstScreen() {
  if (firstScreenMeasured) return;
  firstScreenMeasured = true;
  if (!performance.getEntriesByName("alloy:tool-result").length) return;
  // The frame after the first slice is in the document: the time from the tool result to a painted screen.
  requestAnimationFrame(() => {
    const measure = performance.measure("alloy:first-diff-screen", "alloy:tool-result");
    document.documentElement.dataset.firstDiffScreenMs = String(Math.round(measure.duration));
  });
}
