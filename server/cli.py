"""The ``vetkg`` command: build, validate, export and serve the knowledge graph.

Every failure a user can cause ends with one line on stderr and a non-zero exit code, never a
traceback.
"""
from __future__ import annotations

import errno
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from .config import Settings, load_settings

EXIT_INPUT = 2  # bad input file or option
EXIT_INVALID = 3  # the graph does not conform to the shapes
EXIT_STORE = 4  # the store could not be opened or written


class CliError(click.ClickException):
    """An error reported as ``vetkg: message`` with a chosen exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        # click annotates exit_code as a ClassVar, yet reads it from the instance it caught
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"vetkg: {self.message}", err=True)


pass_settings = click.make_pass_decorator(Settings)


class _Commands(click.Group):
    """The command group, which ends an I/O error no command foresaw (a full disk, a file of the
    store gone from under it) with one line and EXIT_STORE instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # a reader that went away (`vetkg export | head`): click ends quietly
            raise CliError(f"input/output error: {exc}", EXIT_STORE) from exc


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="TOML settings file.")
@click.pass_context
def main(ctx: click.Context, config_file: str | None) -> None:
    """vetkg: a knowledge graph of Chinese vocational-education policy."""
    try:
        ctx.obj = load_settings(config_file)
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read settings: {exc}") from exc


store_option = click.option("--store", "store_path", help="Path of the embedded store.")


def _open_store(settings: Settings, read_only: bool = False):
    from vetkg.store import StoreError, get_store

    try:
        return get_store(settings.store, read_only=read_only, **settings.store_options())
    except StoreError as exc:
        if "lock" in str(exc).lower():
            # Oxigraph's LOCK: another process has the store open, and no server announced itself
            raise CliError(f"the store at {settings.store_path} is open in another process (a `vetkg build` or "
                           "a server started before it announced itself?): wait for it, or stop it", EXIT_STORE) from None
        raise CliError(str(exc), EXIT_STORE) from exc


@contextmanager
def _opened_store(settings: Settings, read_only: bool = False) -> Iterator[Any]:
    """The store, open for one command and closed after it; a store error ends the command with
    one line and EXIT_STORE, never a traceback."""
    from vetkg.store import StoreError

    store = _open_store(settings, read_only)
    try:
        yield store
    except StoreError as exc:
        raise CliError(str(exc), EXIT_STORE) from exc
    finally:
        store.close()


def _server(settings: Settings):
    """A client of the server holding the store (server/operate), or None when none runs."""
    from .operate.client import ServerClient, holder

    serving = holder(settings)
    return None if serving is None else ServerClient(serving, settings)


def _held(client, settings: Settings, what: str) -> CliError:
    from .operate.client import held_message

    return CliError(held_message(client.serving, settings, what), EXIT_STORE)


def _snapshot_of(server, settings: Settings) -> Settings:
    """Settings naming a backup that the server takes now, removed when the command ends: for a
    read that needs the store's files while a server holds them."""
    from .operate.client import remove

    with _through_server():
        copy = server.snapshot()
    click.get_current_context().call_on_close(lambda: remove(copy))
    click.echo(f"vetkg: reading a snapshot of the store taken by {server.serving.describe()}", err=True)
    return settings.override(store_path=str(copy[0]))


@contextmanager
def _through_server() -> Iterator[None]:
    from .operate.client import ServerRefused

    try:
        yield
    except ServerRefused as exc:
        raise CliError(str(exc), exc.exit_code) from None


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@store_option
@click.option("--base", "base_iri", help="Base IRI of the data.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: every core).")
@click.option(
    "--progress/--no-progress", default=None, help="Progress bars on stderr (default: above 20 documents, on a terminal)."
)
@click.option("--force", is_flag=True, help="Rebuild unchanged documents too (after the ingest itself changed).")
@click.option("--strict", is_flag=True, help="Refuse (exit 3) a document the ingest has to warn about.")
@click.option(
    "--dask", "dask_address", metavar="ADDRESS",
    help="Check the documents on a Dask cluster (its scheduler's address, or 'local' for -j worker processes here).",
)
@pass_settings
def build(
    settings: Settings,
    files: tuple[Path, ...],
    store_path: str | None,
    base_iri: str | None,
    jobs: int | None,
    progress: bool | None,
    force: bool,
    strict: bool,
    dask_address: str | None,
) -> None:
    """Read FILES (default: everything in seeds/) into the store, one named graph per document.

    Documents whose text is already in the store are skipped; the others are checked in
    parallel, and written only if every one of them is good. For each document built, stdout
    gets what was found in it (work areas, measures, organisations by class, places,
    programmes, targets) and every warning about a part kept as text; --strict refuses a
    document with a warning.
    """
    from vetkg.ingest import parallel
    from vetkg.ingest.errors import InputError
    from vetkg.ingest.reader import seed_files

    from .workbench.index import refresh_index

    settings = settings.override(store_path=store_path, base_iri=base_iri)
    paths = list(files) or seed_files(Path(settings.seeds_dir))
    if not paths:
        raise CliError(f"no documents to build: {settings.seeds_dir}/ is empty")
    server = _server(settings)
    if server is not None:
        with _through_server():
            for stream, line in server.build(paths, strict=strict, force=force):
                click.echo(line, err=stream == "err")
        return
    store = None
    try:
        # Every file is read before the store is opened, and every changed document is parsed
        # and checked before anything is written: a bad file writes nothing.
        inputs = parallel.scan(paths)
        store = _open_store(settings)
        engine = None
        if dask_address:
            from vetkg.ingest.distributed import DaskEngine

            engine = DaskEngine(dask_address, workers=jobs or parallel.default_jobs())
        report = parallel.build(
            inputs, store, settings.base_iri, jobs=jobs, progress=progress, force=force, strict=strict, engine=engine
        )
        refresh_index(settings, store)  # the index of /search, so vetkg serve starts without segmenting
    except InputError as exc:
        raise CliError(str(exc), EXIT_INPUT) from exc
    except parallel.NotConforming as exc:
        raise CliError(str(exc), EXIT_INVALID) from exc
    finally:
        if store is not None:
            store.close()
    for line in report.document_lines():
        click.echo(line)
    click.echo(str(report), err=True)


@main.command()
@store_option
@click.option("--update", "update_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Would this SPARQL Update pass? It is checked as a write would be, never applied.")
@click.option("--shapes", "shapes_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Validate the stored data against these SHACL shapes (Turtle) instead.")
@pass_settings
def validate(settings: Settings, store_path: str | None, update_file: Path | None, shapes_file: Path | None) -> None:
    """Check the stored graph against the SHACL shapes; exit 3 on a violation."""
    from rdflib import Graph

    from vetkg.shapes.validate import validate_store

    if update_file and shapes_file:
        raise CliError("--update and --shapes check different things: give one of them")
    settings = settings.override(store_path=store_path)
    shapes = None
    if shapes_file is not None:
        try:
            shapes = Graph().parse(shapes_file, format="turtle")
        except Exception as exc:
            raise CliError(f"{shapes_file}: not readable Turtle shapes ({_first_line(exc)})") from exc
    update = None
    if update_file is not None:
        try:
            update = update_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"{update_file}: cannot read the update ({exc})") from exc
    server = _server(settings)
    if server is not None and update is not None:
        with _through_server():  # a dry run of the update on the server
            conforms, text = server.check_update(update)
        click.echo(text.rstrip("\n"))
        if not conforms:
            sys.exit(EXIT_INVALID)
        return
    if server is not None:
        settings = _snapshot_of(server, settings)  # the whole store is validated in a backup of it
    with _opened_store(settings) as store:
        if update is not None:
            from .offline_writes import check_update
            from .writes.protect import WriteForbidden
            from .writes.update import UpdateFailed

            try:
                conforms, text = check_update(store, settings, update)
            except (UpdateFailed, WriteForbidden) as exc:
                raise CliError(f"{update_file}: {exc}") from exc
        else:
            result = validate_store(store, shapes, settings.base_iri)
            conforms, text = result.conforms, result.text
    click.echo(text.rstrip("\n"))
    if not conforms:
        sys.exit(EXIT_INVALID)


@main.command()
@store_option
@pass_settings
def history(settings: Settings, store_path: str | None) -> None:
    """List the committed writes: number, time, who, quads added and removed."""

    from .offline_writes import offline_writer
    from .writes.history import records

    settings = settings.override(store_path=store_path)
    server = _server(settings)
    if server is not None:
        from .writes.history import Record

        with _through_server():
            found, interrupted = server.history()
        rows = [Record(**r) for r in found]
    else:
        with _opened_store(settings) as store:
            backend = offline_writer(store, settings).backend
            rows = records(backend, settings.base_iri)
            interrupted = backend.interrupted()
    if not rows:
        click.echo("no writes yet")
    for r in rows:
        note = f"  reverts {r.reverts}" if r.reverts is not None else ""
        click.echo(f"{r.number:>4}  {r.when}  {r.who}  +{r.added} -{r.removed}{note}")
    if interrupted:
        click.echo("an interrupted write is pending: the store may hold part of it; "
                   "`vetkg repair` (or the next write) completes it")


@main.command()
@store_option
@pass_settings
def repair(settings: Settings, store_path: str | None) -> None:
    """Complete a write the remote store was interrupted in (see `vetkg history`)."""

    from .offline_writes import repair_store

    settings = settings.override(store_path=store_path)
    server = _server(settings)
    if server is not None:
        raise _held(server, settings, "an embedded store has nothing to repair (each write is one transaction)")
    with _opened_store(settings) as store:
        repaired = repair_store(store, settings)
    click.echo("the interrupted write is completed" if repaired else "nothing to repair")


@main.command()
@click.argument("number", type=int)
@store_option
@click.option("--as", "who", default="cli", show_default=True, help="Name recorded as the author of the revert.")
@pass_settings
def revert(settings: Settings, number: int, store_path: str | None, who: str) -> None:
    """Undo write NUMBER as a validated write of its own; exit 3 if the result would not conform."""
    from vetkg.store.entailment import refresh_inferred

    from .offline_writes import revert_change
    from .writes.history import RevertRefused
    from .writes.protect import WriteForbidden
    from .writes.update import UpdateFailed

    settings = settings.override(store_path=store_path)
    server = _server(settings)
    if server is not None:
        if who != "cli":
            click.echo("vetkg: --as is not used through the server: the revert is recorded under the token's name",
                       err=True)
        with _through_server():  # the server records the token's name as the author
            committed, text = server.revert(number)
        click.echo(text.rstrip("\n"))
        if not committed:
            sys.exit(EXIT_INVALID)
        return
    with _opened_store(settings) as store:
        try:
            committed, text = revert_change(store, settings, number, who)
            if committed:
                refresh_inferred(store, settings.base_iri)  # what the ontology entails, as a served write keeps it
        except (RevertRefused, UpdateFailed, WriteForbidden) as exc:
            raise CliError(str(exc)) from exc
    click.echo(text.rstrip("\n"))
    if not committed:
        sys.exit(EXIT_INVALID)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@main.command()
@store_option
@click.option(
    "--format", "fmt", type=click.Choice(["nquads", "trig", "turtle"]), default="nquads", show_default=True
)
@click.option("--history", "include_history", is_flag=True, help="Include the write history graph (it names the token holders).")
@click.option(
    "--canonical", is_flag=True,
    help="N-Quads with blank nodes named by RDF canonicalization and lines sorted: the same data, the same bytes.",
)
@pass_settings
def export(settings: Settings, store_path: str | None, fmt: str, include_history: bool, canonical: bool) -> None:
    """Write the whole dataset to stdout (the write history only with --history)."""
    from vetkg.server.export import export_dataset

    if canonical and fmt != "nquads":
        raise CliError(f"--canonical writes N-Quads; it cannot be combined with --format {fmt}")
    settings = settings.override(store_path=store_path)
    server = _server(settings)
    if server is not None:
        if include_history:
            settings = _snapshot_of(server, settings)  # the history's details are in the store's files
        else:
            with _through_server():
                server.export(sys.stdout.buffer, fmt)
            return
    with _opened_store(settings) as store:
        if canonical:
            from vetkg.store.canonical import canonical_nquads

            dump = io.BytesIO()
            export_dataset(store, dump, fmt, base_iri=settings.base_iri, include_history=include_history)
            sys.stdout.buffer.write(canonical_nquads(dump.getvalue()))
        else:
            export_dataset(store, sys.stdout.buffer, fmt, base_iri=settings.base_iri, include_history=include_history)


@main.command()
@click.argument("name")
def token(name: str) -> None:
    """Draw a new write token for NAME: the token (give it to the client) on the first line, the
    settings entry holding only its hash on the second."""
    from .write_endpoints.token_hashes import hashed, new_token

    if not name or any(c in name for c in ":,= \t\n"):
        raise CliError(f"a token name may not hold ':', ',', '=' or spaces: {name!r}")
    drawn = new_token()
    click.echo(drawn)
    click.echo(f'{name} = "{hashed(drawn)}"  # under [update_tokens] or [admin_tokens] in the settings file')


@main.command()
@store_option
@click.option("--host", help="Interface to listen on.")
@click.option("--port", type=int, help="Port to listen on.")
@pass_settings
def serve(settings: Settings, store_path: str | None, host: str | None, port: int | None) -> None:
    """Serve the store over HTTP: SPARQL endpoint, linked-data pages and the query page."""
    from . import allocator
    from .app import create_app
    from .serving import ListenError, listen
    from .serving import serve as serve_app

    settings = settings.override(store_path=store_path, host=host, port=port)
    _check_serving_settings(settings)
    server = _server(settings)
    if server is not None:
        raise _held(server, settings, "query that one, or stop it first")
    if settings.store == "oxigraph" and not Path(settings.store_path).is_dir():
        # Opening would create an empty store and serve it: a mistyped path would look like data lost.
        raise CliError(f"no store at {settings.store_path}: build one with `vetkg build --store {settings.store_path}`",
                       EXIT_STORE)
    try:  # before anything is opened: this may start the command again on a faster allocator
        allocator.restart_with(settings.allocator)
    except allocator.AllocatorError as exc:
        raise CliError(str(exc)) from None
    # The port first: a port in use ends the command before the (slow) store is opened.
    try:
        sockets = listen(settings.host, settings.port)
    except ListenError as exc:
        raise CliError(str(exc), EXIT_STORE) from None
    store = _open_store(settings)
    quads = len(store)
    copied = 0 < quads <= settings.memory_copy_max_quads and store.hold_in_memory()
    app = create_app(settings, store)
    where = " from a copy in memory" if copied else ""
    url = f"http://{settings.host}:{settings.port}/"
    click.echo(f"vetkg: serving {quads} quads{where} on {url} (allocator: {allocator.loaded()})", err=True)
    from .operate import presence

    announced = settings.store == "oxigraph"
    if announced:
        # Where the other commands find this server, to go through it (server/operate)
        presence.announce(settings.store_path, url)
    try:
        serve_app(app, sockets, settings)
    finally:
        if announced:
            presence.withdraw(settings.store_path)


@main.command()
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@store_option
@pass_settings
def backup(settings: Settings, target: Path, store_path: str | None) -> None:
    """Copy the store (and its history) into the new directory TARGET, online: Oxigraph's backup
    of one snapshot, through the server when one holds the store. `vetkg serve --store TARGET`
    serves the copy."""
    from vetkg.store import StoreError

    from .operate.backup import backup as backup_store
    from .operate.backup import check_target

    settings = settings.override(store_path=store_path)
    if settings.store != "oxigraph":
        raise CliError("only the embedded Oxigraph store can be backed up (use the remote store's own tools)")
    server = _server(settings)
    if server is not None:
        with _through_server():
            written = server.backup(target)
    else:
        try:
            check_target(target)
        except StoreError as exc:
            raise CliError(str(exc)) from None
        if not Path(settings.store_path).is_dir():
            raise CliError(f"no store at {settings.store_path}", EXIT_STORE)
        with _opened_store(settings) as store:
            written = backup_store(store, target)
    click.echo(f"vetkg: backed up {settings.store_path} into {', '.join(str(p) for p in written)}", err=True)


def _check_serving_settings(settings: Settings) -> None:
    slots, threads = settings.heavy_slots(), settings.request_threads()
    if threads < slots + settings.heavy_query_queue + 2:
        raise CliError(f"threads ({threads}) must exceed heavy_query_slots ({slots}) + heavy_query_queue "
                       f"({settings.heavy_query_queue}) by 2 or more, or long queries can take every thread")
    for name in ("idle_timeout", "request_read_timeout", "heavy_query_after"):
        if getattr(settings, name) <= 0:
            raise CliError(f"{name} must be positive, not {getattr(settings, name)}")


if __name__ == "__main__":
    main()
