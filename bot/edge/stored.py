"""Replies and posts as JSON: a reply is replayed for a retried delivery, a post waits in the
ledger. A picture is kept as the data it shows (drawn again, from the cache, when it is needed);
the drawn image itself is never stored."""

from __future__ import annotations

import base64
from typing import Any

from bot.edge.messages import Attachment, Choice, Field, Form, FormInput, Post, Reply
from bot.pictures.data import Picture, load


def _picture_to_dict(picture: Picture | None) -> dict[str, Any] | None:
    return None if picture is None else picture.model_dump(mode="json")


def _picture_from_dict(data: dict[str, Any] | None) -> Picture | None:
    return None if data is None else load(data)


def _attachments_to_list(items: tuple[Attachment, ...]) -> list[dict[str, str]]:
    return [
        {"filename": a.filename, "mime": a.mime, "data": base64.b64encode(a.data).decode()}
        for a in items
    ]


def _attachments_from_list(items: list[dict[str, str]]) -> tuple[Attachment, ...]:
    return tuple(Attachment(a["filename"], base64.b64decode(a["data"]), a["mime"]) for a in items)


def _choices_to_list(items: tuple[Choice, ...]) -> list[dict[str, str]]:
    return [{"id": c.id, "label": c.label, "style": c.style} for c in items]


def _choices_from_list(items: list[dict[str, Any]]) -> tuple[Choice, ...]:
    return tuple(Choice(c["id"], c["label"], c.get("style", "secondary")) for c in items)


def _form_to_dict(form: Form | None) -> dict[str, Any] | None:
    if form is None:
        return None
    return {
        "id": form.id,
        "title": form.title,
        "inputs": [
            {
                "id": i.id,
                "label": i.label,
                "kind": i.kind,
                "required": i.required,
                "max_length": i.max_length,
                "placeholder": i.placeholder,
            }
            for i in form.inputs
        ],
    }


def _form_from_dict(data: dict[str, Any] | None) -> Form | None:
    if data is None:
        return None
    return Form(data["id"], data["title"], tuple(FormInput(**i) for i in data["inputs"]))


def _fields_to_list(items: tuple[Field, ...]) -> list[dict[str, Any]]:
    return [{"name": f.name, "value": f.value, "inline": f.inline} for f in items]


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    return {
        "body": reply.body,
        "title": reply.title,
        "fields": _fields_to_list(reply.fields),
        "choices": _choices_to_list(reply.choices),
        "attachments": _attachments_to_list(reply.attachments),
        "form": _form_to_dict(reply.form),
        "ephemeral": reply.ephemeral,
        "error": reply.error,
        "replace": reply.replace,
        "picture": _picture_to_dict(reply.picture),
    }


def reply_from_dict(data: dict[str, Any]) -> Reply:
    return Reply(
        body=data["body"],
        title=data.get("title"),
        fields=tuple(Field(**f) for f in data.get("fields", ())),
        choices=_choices_from_list(data.get("choices", [])),
        attachments=_attachments_from_list(data.get("attachments", [])),
        form=_form_from_dict(data.get("form")),
        ephemeral=data.get("ephemeral", True),
        error=data.get("error", False),
        replace=data.get("replace", False),
        picture=_picture_from_dict(data.get("picture")),
    )


def post_to_dict(post: Post) -> dict[str, Any]:
    return {
        "body": post.body,
        "channel": post.channel,
        "user": post.user,
        "title": post.title,
        "fields": _fields_to_list(post.fields),
        "kind": post.kind,
        "key": post.key,
        "choices": _choices_to_list(post.choices),
        "attachments": _attachments_to_list(post.attachments),
        "picture": _picture_to_dict(post.picture),
    }


def post_from_dict(data: dict[str, Any]) -> Post:
    return Post(
        body=data["body"],
        channel=data.get("channel"),
        user=data.get("user"),
        title=data.get("title"),
        fields=tuple(Field(**f) for f in data.get("fields", ())),
        kind=data.get("kind", "post"),
        key=data.get("key"),
        choices=_choices_from_list(data.get("choices", [])),
        attachments=_attachments_from_list(data.get("attachments", [])),
        picture=_picture_from_dict(data.get("picture")),
    )
