"""The files the app uploads (files_upload_v2: an export, a person's data, the leaders' report chart),
written to a folder as they arrive, so that a person at the console can open them; the console prints
where each one went.

The folder is beside the console's own database (persistence.files_dir_for), or a temporary one
when that database is in memory. A name the app gives twice gets a number (report-2.png), unless the
bytes are the same: then the file already there is the one.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from localslack.standin import SlackStandIn
from localslack.standin.files import File

_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class Saved:
    file: File
    path: Path | None  # None: it could not be written
    problem: str = ""


def safe_name(name: str, fallback: str) -> str:
    """A file name that stays inside the folder: no directories, no leading dots, no odd characters."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip().lstrip(".")
    return base[:120] or fallback


class Shelf:
    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._seen: set[str] = set()

    @property
    def folder(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="erfaring-console-files-"))
        return self._folder

    def collect(self, standin: SlackStandIn) -> list[Saved]:
        """Write every file the app has shared since the last look (uploaded and completed)."""
        saved: list[Saved] = []
        for file in standin.files():
            if file.id in self._seen or file.content is None or not file.channels:
                continue
            self._seen.add(file.id)
            try:
                saved.append(Saved(file, self._write(file, file.content)))
            except OSError as exc:
                saved.append(Saved(file, None, exc.strerror or type(exc).__name__))
        return saved

    def _write(self, file: File, content: bytes) -> Path:
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        name = safe_name(file.name, file.id)
        stem, suffix = Path(name).stem, Path(name).suffix
        path, n = folder / name, 1
        while path.exists():
            if path.read_bytes() == content:
                return path
            n += 1
            path = folder / f"{stem}-{n}{suffix}"
        path.write_bytes(content)
        return path
