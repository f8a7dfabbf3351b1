"""The enterprise file (一企一档) is open to other apps: they add tabs and timeline entries without editing it.

Each app's `panels.py` may define, next to `home_panels`:

- `dossier_tabs(request, enterprise) -> list[Tab]`: tabs shown after the file's own ones. A tab's template
  is rendered only when the tab is open (`?tab=<key>`), with `enterprise`, `tab` and the tab's context; give
  `context` as a callable to build it only then (keep its query count independent of the rows shown).
- `dossier_timeline(request, enterprise) -> iterable[TimelineEntry]`: entries merged into the file's
  timeline in date order, filterable by their `kind`. Return them newest first; the timeline pages by time,
  so an app with many entries may stop at `request.GET.get("before")` (an ISO datetime) and return a few
  hundred at most.

The enterprise is already inside the user's scope when these are called; an app still narrows its own rows
with `liaison.access`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

from liaison.home import PANEL_APPS


@dataclass
class Tab:
    key: str  # a slug, unique in the file: used as ?tab=<key>
    label: str
    template: str
    context: dict | Callable[[], dict] = field(default_factory=dict)
    order: int = 100  # the file's own tabs come first, then these by order
    count: int | None = None  # an optional badge on the tab
    icon: str = "bi-folder2"


@dataclass
class TimelineEntry:
    at: dt.datetime  # timezone-aware
    kind: str  # a slug: the file's own are visit, ledger, plan, task, attachment, edit
    kind_label: str
    title: str
    text: str = ""
    actor: str = ""
    url: str = ""
    icon: str = "bi-dot"
    key: str = ""  # unique per entry (e.g. "case:12:filed"), keeps a page boundary from repeating it


def _hook_modules(hook: str):
    for app in PANEL_APPS:
        try:
            module = import_module(f"{app}.panels")
        except ModuleNotFoundError:
            continue
        function = getattr(module, hook, None)
        if function is not None:
            yield function


def app_tabs(request, enterprise) -> list[Tab]:
    tabs: list[Tab] = []
    for function in _hook_modules("dossier_tabs"):
        tabs.extend(function(request, enterprise) or [])
    return sorted(tabs, key=lambda t: t.order)


def app_timeline(request, enterprise) -> Iterable[TimelineEntry]:
    for function in _hook_modules("dossier_timeline"):
        yield from function(request, enterprise) or []
