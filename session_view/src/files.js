// The files: a tree of the session's paths (a dev session's changed files), and a file opened with numbered,
// highlighted lines.
import { showFileContent } from "./code.js";
import { clear, h, visible } from "./dom.js";
import { callTool } from "./host.js";

const MAX_PAGES = 20; // list_session_files pages (up to 200 files each) the tree loads

/** Every file of the session, following list_session_files' cursor from `first` (a page already in hand). */
export async function allFiles(session, first) {
  const files = [];
  let page = first?.files ? first : await callTool("list_session_files", { session: session.id });
  for (let pages = 1; ; pages += 1) {
    files.push(...page.files);
    if (!page.next_cursor || pages >= MAX_PAGES) return { files, complete: !page.next_cursor };
    page = await callTool("list_session_files", { session: session.id, cursor: page.next_cursor });
  }
}

export async function renderFiles(panel, { session, first }) {
  // Beside the tree where the panel has room; in its place on a narrow one, with a way back to it.
  const viewer = h("div", { class: "viewer", "aria-live": "polite" }, h("p", { class: "muted hint" }, "Choose a file to read it."));
  const back = h("button", { type: "button", class: "button link back" }, "← All files");
  const viewerBox = h("div", { class: "viewer-box" }, back, viewer);
  const treeBox = h("nav", { class: "tree", "aria-label": "Files" });
  const layout = h("div", { class: "files-layout" }, treeBox, viewerBox);
  panel.append(layout);
  back.addEventListener("click", () => {
    layout.classList.remove("file-open");
    treeBox.querySelector("[aria-current]")?.focus();
  });
  const shown = async (result) => {
    layout.classList.add("file-open");
    await showFileContent(viewer, result);
    openTreeTo(treeBox, result.path);
    // Into sight within the view (never the host's page): the file's heading at the top of the panel.
    panel.scrollTop = viewerBox.offsetTop - panel.offsetTop;
    viewer.querySelector("h2")?.focus({ preventScroll: true });
  };
  const open = async (path) => {
    layout.classList.add("file-open");
    viewer.replaceChildren(h("p", { class: "muted" }, `Opening ${visible(path)}…`));
    try {
      await shown(await callTool("get_file_content", { session: session.id, path }));
    } catch (error) {
      viewer.replaceChildren(h("p", { class: "problem", role: "alert" }, error.message));
    }
  };
  if (first?.content !== undefined) await shown(first);
  const { files, complete } = await allFiles(session, first?.files ? first : null);
  clear(treeBox);
  if (!files.length) {
    treeBox.append(h("p", { class: "muted" }, "This session has no files."));
    return;
  }
  treeBox.append(tree(files, open));
  if (!complete) treeBox.append(h("p", { class: "muted" }, `The first ${files.length.toLocaleString()} files are shown.`));
  if (first?.content !== undefined) openTreeTo(treeBox, first.path);
}

/** The tree opened to `path` (its folders unfolded), the file marked as the one shown. */
function openTreeTo(treeBox, path) {
  for (const button of treeBox.querySelectorAll(".file-button")) {
    const current = button.dataset.path === path;
    if (current) {
      button.setAttribute("aria-current", "true");
      for (let folder = button.closest("details"); folder; folder = folder.parentElement.closest("details")) folder.open = true;
    } else {
      button.removeAttribute("aria-current");
    }
  }
}

function tree(files, open) {
  const top = { folders: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split("/");
    let folder = top;
    for (const part of parts.slice(0, -1)) {
      if (!folder.folders.has(part)) folder.folders.set(part, { folders: new Map(), files: [] });
      folder = folder.folders.get(part);
    }
    folder.files.push({ name: parts.at(-1), file });
  }
  return folderList(top, open, 0);
}

function folderList(folder, open, depth) {
  const list = h("ul", { class: "tree-list" });
  for (const [name, child] of [...folder.folders].sort(([a], [b]) => a.localeCompare(b))) {
    const details = h("details", { open: depth < 2 }, h("summary", {}, `${visible(name)}/`), folderList(child, open, depth + 1));
    list.append(h("li", { class: "tree-folder" }, details));
  }
  for (const { name, file } of folder.files) {
    const status = file.status ? h("span", { class: `status status-${file.status}` }, file.status) : null;
    list.append(
      h(
        "li",
        { class: "tree-file" },
        h(
          "button",
          { type: "button", class: "file-button", title: visible(file.path), "data-path": file.path, onclick: () => open(file.path) },
          visible(name),
        ),
        status,
        file.binary ? h("span", { class: "muted" }, "binary") : null,
      ),
    );
  }
  return list;
}
