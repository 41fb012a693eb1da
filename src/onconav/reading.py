"""Reading a profile written as text (a file, standard input, a request body): JSON, or YAML.

Every front end reads profiles through here, so that each refuses the same things in the same
words: the problems are ``ProfileError`` values, like those of ``parse_profile``.
"""

from __future__ import annotations

import json
from typing import Any

from onconav.profile import Problem, ProfileError


def profile_from_text(raw: str, where: str) -> dict[str, Any]:
    """The fields of a profile written as JSON or YAML (``where`` names it in errors)."""
    try:
        data = json.loads(raw)
    except ValueError:
        data = _yaml_profile(raw, where)  # YAML is a superset of JSON; imported only when needed
    if not isinstance(data, dict):
        raise ProfileError([Problem("profile", None, (), f"{where} must hold an object of fields, "
                                    'such as {"cancer": "rectum"}')])  # fmt: skip
    return data


def _yaml_profile(raw: str, where: str) -> object:
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise ProfileError(
            [Problem("profile", None, (), f"{where} is not valid JSON or YAML{line}")]
        ) from None
