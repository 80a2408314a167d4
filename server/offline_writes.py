"""The write path run without a server: `vetkg validate --update`, `vetkg revert`, `vetkg repair`,
on the embedded store or a remote one."""
from __future__ import annotations

from vetkg.ontology.graphs import store_graphs
from vetkg.store.base import Store, StoreError

from .config import Settings
from .write_endpoints.report import outcome_text
from .writes.checks import Checker
from .writes.dataset_version import DatasetVersion
from .writes.history import history_hook, revert
from .writes.transaction import Outcome, Writer
from .writes.update import UpdateOptions, apply_update


def offline_writer(store: Store, settings: Settings) -> Writer:
    """A writer over ``store`` with the same checks and history as the server's."""
    backend = store.write_backend(settings.base_iri)
    if backend is None:
        raise StoreError(f"vetkg cannot write to a store of type {type(store).__name__}")
    return Writer(
        backend,
        DatasetVersion(store),
        Checker(settings.base_iri),
        hooks=[history_hook(backend, settings.base_iri)],
    )


def report_text(writer: Writer, outcome: Outcome, dry_run: bool) -> str:
    return outcome_text(outcome, writer.checker.graphs, dry_run=dry_run)


def check_update(store: Store, settings: Settings, text: str) -> tuple[bool, str]:
    """(passes, report) for the SPARQL Update ``text`` on ``store``: the change is computed and
    checked exactly as a write to /sparql would be, and never committed. Raises UpdateFailed
    for an update that cannot be carried out."""
    writer = offline_writer(store, settings)
    options = UpdateOptions(
        union_default_graph=settings.union_default_graph, system_graphs=store_graphs(settings.base_iri).system
    )
    # Checked as an admin's write would be: whoever runs the command holds the store's files.
    outcome = writer.write(lambda state: apply_update(state, text, options), who="offline", dry_run=True, admin=True)
    return outcome.verdict.ok, report_text(writer, outcome, dry_run=True)


def revert_change(store: Store, settings: Settings, number: int, who: str) -> tuple[bool, str]:
    """Undo change ``number``; (committed, report). Raises RevertRefused."""
    writer = offline_writer(store, settings)
    outcome = revert(writer, settings.base_iri, number, who)
    return outcome.verdict.ok, report_text(writer, outcome, dry_run=False)


def repair_store(store: Store, settings: Settings) -> bool:
    """Complete a write a remote store was interrupted in; True when there was one."""
    return offline_writer(store, settings).backend.recover()
