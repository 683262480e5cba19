"""What every template does to what it prints: hidden characters are shown, not obeyed.

Names and other text stored before coop refused misleading characters (or brought in
some other way) may still hold a right-to-left override or a zero-width space. Jinja
hands every printed value to ``finalize``, so each page, fragment and document shows
such a character as its code, like "[U+202E]", without any template having to ask.
"""

from __future__ import annotations

from typing import Any

import jinja2
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from coop.domain.misleading_text import with_misleading_shown


def show_hidden_characters(value: Any) -> Any:
    """A printed value with its misleading characters shown as codes.

    Markup is left alone: it is HTML a template or macro built, not text from people.
    """
    if isinstance(value, str) and not isinstance(value, Markup):
        return with_misleading_shown(value)
    return value


def reveal_in(environment: jinja2.Environment) -> jinja2.Environment:
    """``environment``, showing misleading characters in all it prints (set before it compiles)."""
    environment.finalize = show_hidden_characters
    return environment


def reveal_in_pages(engine: JinjaTemplateEngine) -> None:
    """The pages' template engine (Litestar's ``engine_callback``)."""
    reveal_in(engine.engine)
