"""What real Slack rejects in a message or a view: Block Kit limits (answered invalid_blocks with
json-pointer details, as Slack does), message text limits (msg_too_long, no_text) and modal limits
(invalid_arguments)."""

from __future__ import annotations

from typing import Any

from .models import SlackError

MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40_000
BLOCK_TYPES = {
    "section", "header", "divider", "actions", "context", "image", "input", "file",
    "rich_text", "video", "markdown", "table",
}  # fmt: skip
ELEMENT_LIMITS = {"action_id": 255, "value": 2000, "url": 3000}


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        text = obj.get("text")
        return text if isinstance(text, str) else ""
    return ""


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, message: str, pointer: str) -> None:
        self.errors.append(f"{message} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer)

    def element(self, element: Any, pointer: str) -> None:
        if not isinstance(element, dict) or not isinstance(element.get("type"), str):
            self.fail("must provide an object with a type", pointer)
            return
        for key, limit in ELEMENT_LIMITS.items():
            self.max_len(element.get(key), limit, f"{pointer}/{key}")
        if element["type"] == "button":
            if not _text_of(element.get("text")):
                self.fail("must provide a text object", f"{pointer}/text")
            self.max_len(_text_of(element.get("text")), 75, f"{pointer}/text/text")
        options = element.get("options")
        if isinstance(options, list) and len(options) > 100:
            self.fail("must provide no more than 100 items", f"{pointer}/options")

    def elements(self, block: dict[str, Any], pointer: str, limit: int) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.fail("must provide at least 1 item", f"{pointer}/elements")
            return
        if len(elements) > limit:
            self.fail(f"must provide no more than {limit} items", f"{pointer}/elements")
        action_ids: set[str] = set()
        for j, element in enumerate(elements):
            if block["type"] == "actions":
                self.element(element, f"{pointer}/elements/{j}")
                action_id = element.get("action_id") if isinstance(element, dict) else None
                if isinstance(action_id, str):
                    if action_id in action_ids:
                        self.fail("duplicate action_id", f"{pointer}/elements/{j}/action_id")
                    action_ids.add(action_id)

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            self.fail("failed to match all allowed schemas", pointer)
            return
        kind = block["type"]
        self.max_len(block.get("block_id"), 255, f"{pointer}/block_id")
        if kind == "section":
            fields = block.get("fields")
            if not _text_of(block.get("text")) and not fields:
                self.fail("must provide either text or fields", pointer)
            self.max_len(_text_of(block.get("text")), 3000, f"{pointer}/text/text")
            if isinstance(fields, list):
                if len(fields) > 10:
                    self.fail("must provide no more than 10 items", f"{pointer}/fields")
                for j, item in enumerate(fields):
                    self.max_len(_text_of(item), 2000, f"{pointer}/fields/{j}/text")
            if "accessory" in block:
                self.element(block["accessory"], f"{pointer}/accessory")
        elif kind == "header":
            text = block.get("text")
            if not isinstance(text, dict) or text.get("type") != "plain_text":
                self.fail("must be a plain_text text object", f"{pointer}/text")
            self.max_len(_text_of(text), 150, f"{pointer}/text/text")
        elif kind == "actions":
            self.elements(block, pointer, 25)
        elif kind == "context":
            self.elements(block, pointer, 10)
        elif kind == "input":
            self.max_len(_text_of(block.get("label")), 2000, f"{pointer}/label/text")
            self.element(block.get("element"), f"{pointer}/element")
        elif kind == "markdown":
            self.max_len(block.get("text"), 12_000, f"{pointer}/text")

    def blocks(self, blocks: Any, limit: int) -> None:
        if not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        if len(blocks) > limit:
            self.fail(f"must provide no more than {limit} items", "/blocks")
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            self.block(block, f"/blocks/{i}")
            block_id = block.get("block_id") if isinstance(block, dict) else None
            if isinstance(block_id, str):
                if block_id in seen:
                    self.fail("duplicate block_id", f"/blocks/{i}/block_id")
                seen.add(block_id)


def _raise(code: str, errors: list[str]) -> None:
    if errors:
        messages = [f"[ERROR] {e}" for e in errors]
        raise SlackError(code, errors=errors, response_metadata={"messages": messages})


def check_message(args: dict[str, Any], *, require_content: bool = True) -> None:
    """chat.postMessage / postEphemeral / update: msg_too_long, no_text, invalid_blocks."""
    text = args.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    blocks = args.get("blocks")
    if require_content and not text and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if blocks is not None:
        checker = _Checker()
        checker.blocks(blocks, MAX_BLOCKS)
        _raise("invalid_blocks", checker.errors)


def check_view(view: Any) -> None:
    """views.open / update / push: a modal Slack would accept, else invalid_arguments."""
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", response_metadata={"messages": ["view missing"]})
    checker = _Checker()
    if view.get("type") not in {"modal", "home"}:
        checker.fail("must be one of modal, home", "/view/type")
    if view.get("type") == "modal":
        title = _text_of(view.get("title"))
        if not title:
            checker.fail("must provide a title", "/view/title")
        checker.max_len(title, 24, "/view/title/text")
        checker.max_len(_text_of(view.get("submit")), 24, "/view/submit/text")
        checker.max_len(_text_of(view.get("close")), 24, "/view/close/text")
    checker.max_len(view.get("callback_id"), 255, "/view/callback_id")
    checker.max_len(view.get("private_metadata"), 3000, "/view/private_metadata")
    blocks = view.get("blocks", [])
    if not isinstance(blocks, list):
        checker.fail("must be an array", "/view/blocks")
    else:
        checker.blocks(blocks, MAX_VIEW_BLOCKS)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and view.get("type") == "modal" and not view.get("submit"):
            checker.fail("must provide submit when the view has input blocks", "/view/submit")
    _raise("invalid_arguments", checker.errors)
