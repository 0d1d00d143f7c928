// A file's lines with their numbers, highlighted, built in slices so that a long file's first screen shows
// at once; and "more lines" through get_file_content's continuation.
import { clear, h, inSlices, moreButton, visible } from "./dom.js";
import { languageOf, highlightLine } from "./highlight.js";
import { callTool } from "./host.js";

const SLICE = 400;

/** Show a get_file_content result in `container`, with a button for the rest when it was cut. */
export async function showFileContent(container, result) {
  clear(container);
  // A binary file has no lines (get_file_content leaves total_lines out): its size instead. A window of a
  // longer file is headed by the lines it shows, as more of them are shown.
  const extent = h("span", { class: "muted" }, result.binary ? `${result.size.toLocaleString()} bytes` : "");
  const heading = h(
    "div",
    { class: "code-heading" },
    h("h2", { class: "path", tabindex: -1 }, visible(result.path)),
    result.version === "before" ? h("span", { class: "badge" }, "before the change") : null,
    extent,
  );
  container.append(heading);
  if (result.binary) {
    container.append(h("p", { class: "muted" }, result.note ?? "A binary file: no text to show."));
    return;
  }
  const lines = h("div", { class: "code" });
  const footer = h("div", { class: "more" });
  container.append(h("div", { class: "code-scroll", tabindex: 0 }, lines), footer);
  const language = languageOf(result.path, result.language);
  const total = result.total_lines;
  const addPage = async (page) => {
    const last = page.end_line ?? total;
    extent.textContent =
      result.start_line <= 1 && last >= total
        ? `${total.toLocaleString()} lines`
        : `Lines ${result.start_line.toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}`;
    const text = page.content ?? "";
    const pageLines = text.split("\n");
    if (pageLines.at(-1) === "" && text.endsWith("\n")) pageLines.pop();
    await inSlices(pageLines, SLICE, (slice, offset) => {
      const block = h("div", { class: "code-slice" });
      slice.forEach((line, position) => {
        block.append(
          h(
            "div",
            { class: "code-line" },
            h("span", { class: "line-number", "aria-hidden": "true" }, String(page.start_line + offset + position)),
            h("span", { class: "line-text" }, highlightLine(line, language)),
          ),
        );
      });
      lines.append(block);
    });
    clear(footer);
    if (page.note) footer.append(h("p", { class: "muted" }, page.note));
    if (page.truncated) {
      const label = `Show ${page.truncated.remaining_lines.toLocaleString()} more lines`;
      const button = moreButton(label, footer, async () =>
        addPage(await callTool("get_file_content", page.truncated.fetch_rest_with)),
      );
      footer.append(button);
    }
  };
  await addPage(result);
}
