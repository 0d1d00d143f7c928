// Unified diffs as rows with old and new line numbers, and the words that changed between a removed line
// and the added line that replaced it.

/** Where a diff's numbering stands; kept between the pages of one long diff (a page may start mid-hunk). */
export function newNumbering() {
  return { old: 0, new: 0 };
}

/** The rows of (a page of) a unified diff: {kind: hunk|context|add|del|note, old, new, text}. */
export function parseUnified(text, numbering) {
  const rows = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const line of lines) {
    if (line.startsWith("@@")) {
      const match = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/.exec(line);
      if (match) {
        numbering.old = Number(match[1]);
        numbering.new = Number(match[2]);
      }
      rows.push({ kind: "hunk", text: line });
    } else if (line.startsWith("--- ") || line.startsWith("+++ ")) {
      if (!numbering.old && !numbering.new) continue; // the file header, before the first hunk
      rows.push(line[0] === "+" ? addRow(line, numbering) : delRow(line, numbering));
    } else if (line.startsWith("+")) {
      rows.push(addRow(line, numbering));
    } else if (line.startsWith("-")) {
      rows.push(delRow(line, numbering));
    } else if (line.startsWith("\\")) {
      rows.push({ kind: "note", text: line.slice(1).trim() });
    } else {
      rows.push({ kind: "context", old: numbering.old++, new: numbering.new++, text: line.slice(1) });
    }
  }
  markChangedWords(rows);
  return rows;
}

function addRow(line, numbering) {
  return { kind: "add", new: numbering.new++, text: line.slice(1) };
}

function delRow(line, numbering) {
  return { kind: "del", old: numbering.old++, text: line.slice(1) };
}

/** Removed lines followed by added ones are paired in order; each pair gets `segments`: the line cut into
 * runs of unchanged and changed words. */
function markChangedWords(rows) {
  let index = 0;
  while (index < rows.length) {
    if (rows[index].kind !== "del") {
      index += 1;
      continue;
    }
    const removed = [];
    while (index < rows.length && rows[index].kind === "del") removed.push(rows[index++]);
    const added = [];
    while (index < rows.length && rows[index].kind === "add") added.push(rows[index++]);
    for (let pair = 0; pair < Math.min(removed.length, added.length); pair += 1) {
      const [before, after] = wordDiff(removed[pair].text, added[pair].text);
      if (before) {
        removed[pair].segments = before;
        added[pair].segments = after;
      }
    }
  }
}

const WORDS = /[\p{L}\p{N}_]+|\s+|[^\p{L}\p{N}_\s]/gu;
const MAX_CELLS = 60_000; // the longest common subsequence table, past which lines are shown unmarked

/** Two lines as segments [{text, changed}] each, from the longest common subsequence of their words; null
 * when they share nothing worth marking or are too long to compare quickly. */
export function wordDiff(before, after) {
  const a = before.match(WORDS) ?? [];
  const b = after.match(WORDS) ?? [];
  if (!a.length || !b.length || a.length * b.length > MAX_CELLS) return [null, null];
  const width = b.length + 1;
  const table = new Uint16Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i * width + j] =
        a[i] === b[j] ? table[(i + 1) * width + j + 1] + 1 : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const common = table[0];
  if (!common || (common === a.length && common === b.length)) return [null, null]; // all changed, or none
  return [runs(a, b, table, width, "a"), runs(a, b, table, width, "b")];
}

function runs(a, b, table, width, side) {
  const segments = [];
  const push = (text, changed) => {
    const last = segments.at(-1);
    if (last && last.changed === changed) last.text += text;
    else segments.push({ text, changed });
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      push(side === "a" ? a[i] : b[j], false);
      i += 1;
      j += 1;
    } else if (j < b.length && (i === a.length || table[i * width + j + 1] >= table[(i + 1) * width + j])) {
      if (side === "b") push(b[j], true);
      j += 1;
    } else {
      if (side === "a") push(a[i], true);
      i += 1;
    }
  }
  return segments;
}
