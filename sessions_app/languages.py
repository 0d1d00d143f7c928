"""A file's language and media type, from its name."""

import mimetypes
from pathlib import PurePosixPath

_BY_SUFFIX = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".json": "json",
    ".css": "css",
    ".scss": "scss",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".sql": "sql",
    ".sh": "shell",
    ".bash": "shell",
    ".go": "go",
    ".rs": "rust",
    ".rb": "ruby",
    ".java": "java",
    ".kt": "kotlin",
    ".swift": "swift",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".hpp": "cpp",
    ".cs": "csharp",
    ".php": "php",
    ".vue": "vue",
    ".svelte": "svelte",
    ".svg": "svg",
    ".xml": "xml",
    ".txt": "text",
    ".csv": "csv",
    ".graphql": "graphql",
    ".proto": "protobuf",
    ".lock": "text",
    ".env": "dotenv",
}
_BY_NAME = {"Dockerfile": "dockerfile", "Makefile": "makefile", ".gitignore": "text", "LICENSE": "text"}


def language_for_path(path: str) -> str:
    """A short language name ("typescript", "python"…), or "" when we don't know it."""
    name = PurePosixPath(path).name
    return _BY_NAME.get(name) or _BY_SUFFIX.get(PurePosixPath(name).suffix.lower(), "")


def media_type_for_path(path: str) -> str:
    return mimetypes.guess_type(path, strict=False)[0] or "application/octet-stream"
