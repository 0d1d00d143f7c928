"""The file tree of a session page: files as folders, drawn in one loop (no recursion, however deep)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sessions_app.models import SessionFile


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """A file in the tree: where its link goes, and whether the files pane can open that in place."""

    file: SessionFile
    href: str
    in_pane: bool
    current: bool


@dataclass(frozen=True, slots=True)
class TreeStep:
    """One step of drawing the file tree: a folder opened (its name), a folder closed, or a file."""

    opens: str | None = None
    closes: bool = False
    entry: TreeEntry | None = None


CLOSE_FOLDER = TreeStep(closes=True)


@dataclass
class FileTreeNode:
    """A folder of the file tree: its sub-folders and its files."""

    name: str
    folders: dict[str, FileTreeNode] = field(default_factory=dict)
    files: list[TreeEntry] = field(default_factory=list)

    def steps(self) -> Iterator[TreeStep]:
        """The folder's contents as steps, folders first, depth first: the template draws them in one
        loop, so a path as deep as a valid path can be (500 folders) costs no recursion."""
        todo: list[FileTreeNode | TreeStep] = list(reversed(self._children()))
        while todo:
            item = todo.pop()
            if isinstance(item, FileTreeNode):
                yield TreeStep(opens=item.name)
                todo.append(CLOSE_FOLDER)
                todo.extend(reversed(item._children()))
            else:
                yield item

    def _children(self) -> list[FileTreeNode | TreeStep]:
        return [*(self.folders[name] for name in sorted(self.folders)), *(TreeStep(entry=e) for e in self.files)]


def file_tree(entries: list[TreeEntry]) -> FileTreeNode:
    """The files as folders; a chain of folders that each hold only the next one is one step
    (`src/main/java/`), as code hosts show it, so a deep path does not cost a row per folder."""
    root = FileTreeNode(name="")
    for entry in entries:
        node = root
        *folders, _ = entry.file.path.split("/")
        for folder in folders:
            node = node.folders.setdefault(folder, FileTreeNode(name=folder))
        node.files.append(entry)
    todo = list(root.folders.values())
    while todo:  # a loop, not recursion: a path may be 500 folders deep
        node = todo.pop()
        while len(node.folders) == 1 and not node.files:
            (only,) = node.folders.values()
            node.name, node.folders, node.files = f"{node.name}/{only.name}", only.folders, only.files
        todo.extend(node.folders.values())
    return root
