"""Safe embedding of settings and catalog values in the rendered Benthos config."""

from __future__ import annotations

import json

# Benthos replaces `${NAME}` / `${NAME:default}` with environment variables anywhere in the
# config file before parsing it (and `${! ... }` is Bloblang interpolation in many fields).
# A value carrying `${` would silently change meaning, so it is refused rather than escaped.
_INTERPOLATION = "${"


def plain(value: str, what: str) -> str:
    """Return `value` unchanged, or refuse it when Benthos would rewrite it."""
    if _INTERPOLATION in value:
        raise ValueError(
            f"{what} contains '${{', which Benthos treats as interpolation; "
            "choose a value without it"
        )
    return value


def bloblang(value: object) -> str:
    """A Bloblang literal for a JSON-compatible value.

    JSON literals are Bloblang literals. Non-ASCII characters stay as they are: Bloblang string
    literals are unquoted by Go, which does not join JSON's UTF-16 surrogate escapes.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return plain(text, "a value embedded in a Bloblang mapping")
