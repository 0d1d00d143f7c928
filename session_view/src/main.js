// The Alloy session view: what the host renders beside a session tool's result. It shows the session's
// header, its chat, its files and (dev sessions) its changes, from the tool's input and result, and calls
// the same tools through the host for more (the next chat page, a file, a diff).
import { applyDocumentTheme, applyHostFonts, applyHostStyleVariables } from "@modelcontextprotocol/ext-apps";
import { renderChanges } from "./changes.js";
import { renderChat } from "./chat.js";
import { append, clear, count, h, visible, when } from "./dom.js";
import { renderFiles } from "./files.js";
import { app, callTool, openLink, structuredOf, textOf } from "./host.js";

const root = document.getElementById("app");
const INLINE_HEIGHT = 720; // px: the tallest frame the view asks an inline host for

const view = {
  input: {}, // the tool's arguments
  session: null, // the session as far as known: {id, link, kind, title, ...counts when get_session ran}
  tab: null,
  panels: {}, // tab name -> {element, loaded}
  opening: null, // what the tool's result asks to show first: {tab, result}
};

/** Which tool's result this is, by its shape (hosts do not all say which tool ran). */
function tabFor(result) {
  if (result.messages) return "chat";
  if (result.diffs) return "changes";
  if (result.content !== undefined && result.path) return "files";
  if (result.files) return (result.session?.kind ?? view.session?.kind) === "dev" ? "changes" : "files";
  return "chat";
}

function showResult(result) {
  if (result.isError) {
    showProblem(textOf(result) || "The tool call failed.");
    return;
  }
  const data = structuredOf(result);
  if (!data) {
    showProblem("This result holds no session to show.");
    return;
  }
  const isSession = Boolean(data.counts && data.workspace);
  view.session = isSession ? data : { ...(view.session ?? {}), ...data.session };
  view.opening = isSession ? null : { tab: tabFor(data), result: data };
  view.panels = {};
  render();
  if (!isSession && view.session?.id) {
    // The header's counts and creator: one more call, while the first screen is already shown.
    callTool("get_session", { session: view.session.id })
      .then((session) => {
        view.session = session;
        renderHeader();
      })
      .catch(() => {});
  }
}

function showProblem(sentence) {
  clear(root).append(h("main", { class: "problem" }, h("p", { role: "alert" }, sentence)));
}

function render() {
  const session = view.session;
  const tabs = [["chat", "Chat"]];
  if (session.kind === "dev") tabs.push(["changes", "Changes"]);
  tabs.push(["files", "Files"]);
  const wanted = view.opening?.tab ?? "chat";
  view.tab = tabs.some(([name]) => name === wanted) ? wanted : "chat";
  const tabList = h("div", { class: "tabs", role: "tablist", "aria-label": "Session" });
  const main = h("main", { class: "session" }, h("header", { id: "header", class: "header" }), tabList);
  for (const [name, label] of tabs) {
    // Focusable, as a tab panel is (WAI-ARIA): it scrolls, and a keyboard must reach what it holds.
    const panel = h("section", { id: `panel-${name}`, class: "panel", role: "tabpanel", tabindex: 0, "aria-labelledby": `tab-${name}` });
    view.panels[name] = { element: panel, loaded: false };
    tabList.append(
      h(
        "button",
        {
          id: `tab-${name}`,
          class: "tab",
          role: "tab",
          type: "button",
          "aria-controls": panel.id,
          onclick: () => selectTab(name),
          onkeydown: (event) => moveBetweenTabs(event, tabs),
        },
        label,
      ),
    );
    main.append(panel);
  }
  clear(root).append(main);
  renderHeader();
  selectTab(view.tab);
}

function moveBetweenTabs(event, tabs) {
  const names = tabs.map(([name]) => name);
  const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
  if (!step) return;
  const next = names[(names.indexOf(view.tab) + step + names.length) % names.length];
  selectTab(next);
  document.getElementById(`tab-${next}`).focus();
}

function selectTab(name) {
  view.tab = name;
  for (const [tab, panel] of Object.entries(view.panels)) {
    const selected = tab === name;
    const button = document.getElementById(`tab-${tab}`);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    panel.element.hidden = !selected;
  }
  const panel = view.panels[name];
  if (panel.loaded) return;
  panel.loaded = true;
  const first = view.opening?.tab === name ? view.opening.result : null;
  const context = { session: view.session, first, input: view.input };
  const renderers = { chat: renderChat, files: renderFiles, changes: renderChanges };
  renderers[name](panel.element, context).catch((error) => {
    panel.element.append(h("p", { class: "problem", role: "alert" }, error.message));
  });
}

function renderHeader() {
  const header = document.getElementById("header");
  if (!header) return;
  const session = view.session;
  const facts = [h("span", { class: `badge badge-${session.kind}` }, session.kind === "dev" ? "Dev session" : "Prototype")];
  if (session.status) facts.push(h("span", { class: "fact" }, session.status));
  if (session.counts) {
    facts.push(h("span", { class: "fact" }, `${count(session.counts.messages)} messages`));
    facts.push(h("span", { class: "fact" }, `${count(session.counts.files)} ${session.kind === "dev" ? "changed files" : "files"}`));
  }
  if (session.created_by) facts.push(h("span", { class: "fact" }, `by ${session.created_by.name || session.created_by.email}`));
  if (session.updated_at) facts.push(h("span", { class: "fact" }, `updated ${when(session.updated_at)}`));
  const actions = h("div", { class: "actions" });
  if (session.link) {
    actions.append(h("button", { type: "button", class: "button primary", onclick: () => openLink(session.link) }, "Open in Alloy"));
  }
  const context = app.getHostContext();
  if (context?.availableDisplayModes?.includes("fullscreen")) {
    const full = context.displayMode === "fullscreen";
    actions.append(
      h(
        "button",
        {
          type: "button",
          class: "button",
          onclick: () => app.requestDisplayMode({ mode: full ? "inline" : "fullscreen" }).then(renderHeader, () => {}),
        },
        full ? "Exit full screen" : "Full screen",
      ),
    );
  }
  clear(header);
  append(header, [h("h1", { class: "title" }, visible(session.title || session.id)), h("div", { class: "facts" }, facts), actions]);
}

function applyHostContext(context) {
  if (!context) return;
  if (context.theme) applyDocumentTheme(context.theme);
  if (context.styles?.variables) applyHostStyleVariables(context.styles.variables);
  if (context.styles?.css?.fonts) applyHostFonts(context.styles.css.fonts);
  const insets = context.safeAreaInsets;
  if (insets) {
    for (const side of ["top", "right", "bottom", "left"]) {
      document.documentElement.style.setProperty(`--safe-${side}`, `${Number(insets[side]) || 0}px`);
    }
  }
  document.documentElement.dataset.displayMode = context.displayMode ?? "inline";
  // A bounded height (styles.css, .session): the whole screen in full screen, else what the host offers, at most
  // INLINE_HEIGHT; the panels scroll within it.
  const offered = Number(context.containerDimensions?.maxHeight ?? context.containerDimensions?.height) || INLINE_HEIGHT;
  const height = context.displayMode === "fullscreen" ? "100vh" : `${Math.min(offered, INLINE_HEIGHT)}px`;
  document.documentElement.style.setProperty("--view-height", height);
  if (view.session) renderHeader();
}

app.ontoolinput = (params) => {
  view.input = params.arguments ?? {};
};
app.ontoolresult = (result) => {
  window.performance.mark("alloy:tool-result");
  showResult(result);
};
app.onhostcontextchanged = (context) => applyHostContext({ ...app.getHostContext(), ...context });
app.onteardown = async () => ({});

root.append(h("p", { class: "waiting" }, "Waiting for the session…"));
app
  .connect()
  .then(() => applyHostContext(app.getHostContext()))
  .catch((error) => showProblem(`The view could not talk to its host: ${error.message}`));
