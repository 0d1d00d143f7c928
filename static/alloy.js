// Behaviour for every page, from this one file: the Content-Security-Policy allows no inline script.
// Every page works without it; this only makes them nicer.

// A copy button: copies what `textOf()` gives, says so (read out by screen readers: the button is a polite
// live region) and goes back to its label after two seconds; where the clipboard is refused, `select()`
// selects the text for the person to copy.
function copyButton(button, textOf, select) {
  var label = button.textContent;
  button.setAttribute("aria-live", "polite");
  button.addEventListener("click", function () {
    var said = function (message) {
      button.textContent = message;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    };
    navigator.clipboard.writeText(textOf()).then(
      function () { said("Copied"); },
      function () { select(); said("Selected: press Ctrl+C"); }
    );
  });
}

// A button with data-copy="<id>" copies that element's value (or text).
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  copyButton(
    button,
    function () { return source.value || source.textContent; },
    function () { if (source.select) { source.select(); } }
  );
});

// A page that answered a POST (a key just created): a reload fetches it again instead of re-submitting.
if (document.querySelector("[data-answers-post]") && window.history.replaceState) {
  window.history.replaceState(null, "", window.location.href);
}

// The settings sidebar is a menu on narrow screens: closed until opened.
if (window.matchMedia("(max-width: 720px)").matches) {
  document.querySelectorAll("details[data-menu]").forEach(function (menu) { menu.open = false; });
}

// Long chat messages start collapsed, with a button to show them whole.
document.querySelectorAll("[data-collapsible]").forEach(function (content) {
  content.classList.add("collapsed");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "show-more";
  button.textContent = "Show more";
  button.setAttribute("aria-expanded", "false");
  button.addEventListener("click", function () {
    var collapsed = content.classList.toggle("collapsed");
    button.textContent = collapsed ? "Show more" : "Show less";
    button.setAttribute("aria-expanded", String(!collapsed));
  });
  content.after(button);
});

// A code block in a chat message gets a Copy button (its code, not the button's own text).
document.querySelectorAll(".markdown pre").forEach(function (block) {
  var button = document.createElement("button");
  var code = block.querySelector("code") || block;
  button.type = "button";
  button.className = "copy-code";
  button.textContent = "Copy";
  button.setAttribute("aria-label", "Copy this code");
  copyButton(
    button,
    function () { return code.textContent; },
    function () { window.getSelection().selectAllChildren(code); }
  );
  block.classList.add("has-copy");
  block.prepend(button);
});

// #m75 for a message on another page of the chat: load the page that holds it (pages start at multiples
// of the page size, as the server's permalinks do).
function showMessage() {
  var match = /^#m(\d+)$/.exec(window.location.hash);
  var chat = document.querySelector("[data-chat]");
  if (!match || !chat || document.getElementById("m" + match[1])) { return; }
  var index = Number(match[1]), size = Number(chat.dataset.pageSize);
  if (index >= Number(chat.dataset.count)) { return; }
  var address = new URL(window.location.href);
  address.searchParams.set("from", String(index - index % size));
  if (address.href !== window.location.href) { window.location.replace(address.href); }
}
window.addEventListener("hashchange", showMessage);
showMessage();

// Line links in a file: #L10 marks a line, #L10-L20 a range; shift-select a second line number for a range.
function markLines() {
  var match = /^#L(\d+)(?:-L(\d+))?$/.exec(window.location.hash);
  document.querySelectorAll("table[data-lines] tr.selected").forEach(function (row) { row.classList.remove("selected"); });
  if (!match) { return; }
  var first = Number(match[1]), last = Number(match[2] || match[1]);
  if (last < first) { var swap = first; first = last; last = swap; }
  // A line outside the lines this page shows of a long file: load the window that holds it.
  var table = document.querySelector("table[data-lines]");
  if (table && !document.getElementById("L" + first) && first <= Number(table.dataset.total)) {
    var size = Number(table.dataset.window);
    var address = new URL(window.location.href);
    address.searchParams.set("lines_from", String(Math.floor((first - 1) / size) * size + 1));
    if (address.href !== window.location.href) { window.location.replace(address.href); }
    return;
  }
  for (var number = first; number <= last; number++) {
    var row = document.getElementById("L" + number);
    if (row) { row.classList.add("selected"); }
  }
  var start = document.getElementById("L" + first);
  if (start) { start.scrollIntoView({ block: "center" }); }
}
var lineAnchor = null;
document.addEventListener("click", function (event) {
  var link = event.target.closest("table[data-lines] td.num a");
  if (!link) { return; }
  event.preventDefault();
  var number = Number(link.getAttribute("href").slice(2));
  var hash = event.shiftKey && lineAnchor ? "#L" + Math.min(lineAnchor, number) + "-L" + Math.max(lineAnchor, number) : "#L" + number;
  lineAnchor = event.shiftKey && lineAnchor ? lineAnchor : number;
  window.history.replaceState(window.history.state, "", hash);
  markLines();
});
window.addEventListener("hashchange", markLines);
markLines();

// The files pane of a session page opens files, changes and pages in place: the chat keeps its place.
var filesPane = document.getElementById("files-pane");
// `quiet`: swapped for the page's own reasons (not a click): no scrolling to the pane, no focus moved.
function openInPane(url, remember, quiet) {
  var address = new URL(url, window.location.href);
  var fetched = new URL(address);
  fetched.searchParams.set("pane", "files");
  fetched.hash = "";
  filesPane.setAttribute("aria-busy", "true");
  return fetch(fetched, { credentials: "same-origin" }).then(function (response) {
    if (!response.ok) { throw new Error(response.status); }
    return response.text();
  }).then(function (html) {
    filesPane.innerHTML = html;
    filesPane.removeAttribute("aria-busy");
    if (remember) { window.history.pushState({ pane: true }, "", address); }
    var target = address.hash && document.getElementById(decodeURIComponent(address.hash.slice(1)));
    if (target) {
      target.scrollIntoView();
    } else if (!quiet && window.matchMedia("(max-width: 1100px)").matches) {
      filesPane.scrollIntoView();  // one column: the pane is below the chat, bring it up
    } else if (!quiet) {
      filesPane.scrollTop = 0;
    }
    markLines();
    keepTreeFolded();
    unifiedWhenNarrow();
    var heading = filesPane.querySelector(".viewer h2");
    if (heading && !quiet) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: !!target }); }
  }).catch(function () { window.location.assign(address); });
}
if (filesPane && window.fetch) {
  filesPane.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-pane]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    openInPane(link.href, true);
  });
  window.addEventListener("popstate", function () { openInPane(window.location.href, false); });
}

// The file tree folded away stays folded as the pane changes and on the next page.
function keepTreeFolded() {
  var tree = document.querySelector("details[data-tree]");
  if (!tree) { return; }
  if (window.localStorage.getItem("alloy.tree") === "folded") { tree.open = false; }
  tree.addEventListener("toggle", function () {
    window.localStorage.setItem("alloy.tree", tree.open ? "open" : "folded");
  });
}
keepTreeFolded();

// A split diff where the pane gives its two columns too little room (a phone; a laptop with the chat beside
// it): the same pane asked for unified. The room is the diff's own width, not the screen's; the person's choice
// is kept, and a page with more room (the chat hidden, a wider window) shows it split again.
var SPLIT_MIN_WIDTH = 760;
function unifiedWhenNarrow() {
  var split = filesPane && window.fetch && filesPane.querySelector("table.diff-table.split");
  if (!split || split.parentElement.clientWidth >= SPLIT_MIN_WIDTH) { return; }
  var address = new URL(window.location.href);
  address.searchParams.set("layout", "unified");
  openInPane(address.href, false, true);
}
unifiedWhenNarrow();

// A running session's page follows it (sessions_app/following.py): each change the server announces adds the
// new messages to the chat's last page, refreshes the files pane in place, and keeps the counts and the status
// true; when the session stops running, the page says so and stops listening.
var live = document.querySelector("[data-live]");
if (live && window.EventSource && window.fetch) {
  var stream = new EventSource(live.dataset.live);
  var shown = { messages: null, updated: null };
  var counted = function (number, word) { return number + " " + word + (number === 1 ? "" : "s"); };
  var addMessages = function (total) {
    var chat = document.querySelector("[data-chat-end]");
    if (!chat || Number(chat.dataset.chatEnd) >= total) { return Promise.resolve(); }
    var address = new URL(window.location.href);
    address.searchParams.set("pane", "messages");
    address.searchParams.set("from", chat.dataset.chatEnd);
    address.hash = "";
    return fetch(address, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      var before = chat.children.length;
      chat.insertAdjacentHTML("beforeend", html);
      var added = chat.children.length - before;
      chat.dataset.chatEnd = String(Number(chat.dataset.chatEnd) + added);
      chat.dataset.count = String(total);
      var empty = document.querySelector("[data-chat-empty]");
      if (empty && added) { empty.remove(); }
    });
  };
  var follow = function (event) {
    var state = JSON.parse(event.data);
    if (state.status === "gone") {  // removed from the workspace, or the session deleted: nothing to show
      stream.close();
      live.textContent = "This session can no longer be followed from here; reload the page.";
      return;
    }
    document.querySelector("[data-message-count]").textContent = counted(state.messages, "message");
    document.querySelector("[data-file-count]").textContent = counted(state.files, "file");
    addMessages(state.messages);
    // A write that moved the session but not its chat recorded files: the pane shows them afresh.
    if (shown.updated !== null && state.updated !== shown.updated && state.messages === shown.messages && filesPane) {
      openInPane(window.location.href, false, true);
    }
    shown = state;
    if (state.status !== "active") {
      stream.close();
      var status = document.querySelector("[data-status]");
      status.textContent = state.status.charAt(0).toUpperCase() + state.status.slice(1);
      status.className = "status status-" + state.status;
      live.textContent = "This session has stopped running; reload for its final state.";
    }
  };
  stream.addEventListener("state", follow);
  stream.addEventListener("change", follow);
}
