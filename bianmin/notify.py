"""Pluggable delivery of notifications: console (default), a JSON-lines file, or a webhook.

NOTIFY_CHANNEL=console|file|webhook; the file is $BIANMIN_DATA_DIR/notifications.jsonl; the webhook
receives one JSON POST per message at NOTIFY_WEBHOOK_URL (an SMS gateway on the intranet, say)."""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

log = logging.getLogger("bianmin.notify")


@dataclass(frozen=True)
class Message:
    kind: str
    case: str
    unit: str | None
    to_citizen: bool
    text: str
    phone: str = ""  # the citizen's, for an SMS gateway; only the webhook channel ever sees it

    def without_phone(self) -> dict[str, object]:
        body = asdict(self)
        body.pop("phone")
        return body


class Channel(Protocol):
    def send(self, message: Message) -> None: ...


class ConsoleChannel:
    def send(self, message: Message) -> None:
        # The text names the case, never the citizen's phone.
        log.info("notify %s %s → %s: %s", message.kind, message.case, message.unit or "citizen", message.text)


class FileChannel:
    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: Message) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(message.without_phone(), ensure_ascii=False) + "\n")


class WebhookChannel:
    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, message: Message) -> None:
        body = json.dumps(asdict(message), ensure_ascii=False).encode()
        # The URL is the operator's, checked at start to be http(s).
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"webhook answered {response.status}")


def channel() -> Channel:
    name = settings.NOTIFY_CHANNEL
    if name == "file":
        return FileChannel(Path(settings.DATA_DIR) / "notifications.jsonl")
    if name == "webhook":
        return WebhookChannel(settings.NOTIFY_WEBHOOK_URL)
    return ConsoleChannel()
