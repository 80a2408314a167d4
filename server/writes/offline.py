"""Would this update pass? The write path's checks, run on a store without a server."""
from __future__ import annotations

from ..config import Settings
from ..http import DatasetVersion
from ..stores.oxigraph import OxigraphStore
from .checks import Checker
from .report import _text, summarise
from .transaction import Writer
from .update import UpdateOptions, apply_update


def check_update(store: OxigraphStore, settings: Settings, text: str) -> tuple[bool, str]:
    """(passes, report) for the SPARQL Update ``text`` on ``store``: the change is computed and
    checked exactly as a write to /sparql would be, and never committed. Raises UpdateFailed
    for an update that cannot be carried out."""
    checker = Checker(settings.base_iri)
    writer = Writer(store.oxigraph, DatasetVersion(store), checker)
    options = UpdateOptions(union_default_graph=settings.union_default_graph)
    outcome = writer.write(lambda state: apply_update(state, text, options), who="offline", dry_run=True)
    return outcome.verdict.ok, _text(outcome, summarise(outcome, checker.system), dry_run=True)
