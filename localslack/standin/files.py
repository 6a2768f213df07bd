"""files.*: uploads the way files_upload_v2 makes them (files.getUploadURLExternal, the bytes POSTed to
the URL it gave, files.completeUploadExternal shares them in a conversation as a message)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from localslack.standin.chat import postable_channel
from localslack.standin.params import optional_str
from localslack.standin.state import JSON, Message, SlackError, State

PATH = "/upload/"
MAX_FILE = 10_000_000  # the stand-in keeps files in memory


@dataclass
class File:
    id: str
    name: str
    length: int
    content: bytes | None = None  # set when the bytes arrived
    title: str | None = None
    channels: list[str] = field(default_factory=list)
    shared_ts: str | None = None

    def as_json(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title or self.name,
            "size": len(self.content or b""),
            "channels": list(self.channels),
        }


def files_of(state: State) -> dict[str, File]:
    return state.files


def get_upload_url(state: State, args: JSON) -> JSON:
    name = optional_str(args, "filename")
    length = str(args.get("length") or "")
    if not name:
        raise SlackError("invalid_arguments")
    if not length.isdigit() or not 0 < int(length) <= MAX_FILE:
        raise SlackError("invalid_arguments")
    file = File(id=state.new_id("F"), name=name, length=int(length))
    files_of(state)[file.id] = file
    return {"upload_url": f"{state.base_url}{PATH}{file.id}", "file_id": file.id}


def receive(state: State, file_id: str, body: bytes) -> tuple[int, JSON]:
    """The upload itself (a POST of the bytes to the URL getUploadURLExternal gave)."""
    file = files_of(state).get(file_id)
    if file is None:
        return 404, {"ok": False, "error": "file_not_found"}
    file.content = bytes(body)
    return 200, {"ok": True}


def complete_upload(state: State, args: JSON) -> JSON:
    listed = args.get("files")
    if isinstance(listed, str):
        try:
            listed = json.loads(listed)
        except ValueError:
            raise SlackError("invalid_arguments") from None
    if not isinstance(listed, list) or not listed:
        raise SlackError("invalid_arguments")
    files = files_of(state)
    chosen: list[File] = []
    for entry in listed:
        file = files.get(str((entry or {}).get("id") or "")) if isinstance(entry, dict) else None
        if file is None or file.content is None:
            raise SlackError("file_not_found")
        if len(file.content) != file.length:
            raise SlackError("file_upload_size_mismatch")
        file.title = str(entry.get("title") or file.name)
        chosen.append(file)
    channel_id = optional_str(args, "channel_id")
    if channel_id:
        channel = postable_channel(state, channel_id, allow_user_id=False)
        message = Message(
            channel=channel.id,
            ts=state.next_ts(),
            user=state.bot_user_id,
            text=str(args.get("initial_comment") or ""),
            bot_id=state.bot_id,
            subtype="file_share",
            attachments=[{"file": f.as_json()} for f in chosen],
        )
        state.store_message(message, optional_str(args, "thread_ts"))
        for file in chosen:
            file.channels.append(channel.id)
            file.shared_ts = message.ts
    return {"files": [f.as_json() for f in chosen]}


METHODS = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
}
