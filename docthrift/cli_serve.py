"""The long-running commands of the CLI: ``serve`` (the HTTP API), ``schedule`` and ``worker``
(Prefect deployments of the flows)."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from core.errors import DocthriftError
from docthrift.cli_options import HomeOption, SourceOption, err, settings_for
from docthrift.cli_support import check_schedule as _check_schedule


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    home: HomeOption = None,
    schedule_cron: Annotated[str | None, typer.Option(
        "--schedule-cron", help="Also ingest the source folder on this cron schedule (UTC), "
        "in this process.")] = None,
    schedule_interval: Annotated[float | None, typer.Option(
        "--schedule-interval", help="Also ingest the source folder every SECONDS, in this "
        "process.", metavar="SECONDS")] = None,
    source: SourceOption = None,
) -> None:
    """Serve the HTTP API (query, documents, ingest) and the OpenAI-compatible
    /v1/chat/completions (model 'docthrift'); OpenAPI docs at /docs.

    With a schedule, the server also registers the Prefect deployment of the ingestion flow
    and runs its scheduled runs itself, on its own index client (the way to schedule with the
    local index, which one process holds).
    """
    settings = settings_for(home, source=source)
    from flows.scheduler import IngestSchedule

    schedule = None
    if schedule_cron is not None or schedule_interval is not None:
        schedule = IngestSchedule(cron=schedule_cron, interval=schedule_interval)
        _check_schedule(settings, schedule.cron, schedule.interval)
    import signal

    import uvicorn

    from answering.service import make_service
    from docthrift.api import create_app
    from flows.prefect_runtime import start_prefect

    # Before the server starts, so that what stops it (the index held by another process,
    # say) is one line, not a failed start-up with its traceback.
    service = make_service(settings)
    start_prefect()
    # uvicorn shuts down gracefully on SIGTERM, then raises it again: exit through Python
    # instead, so the index is closed and the ephemeral Prefect server stopped (atexit).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    uvicorn.run(create_app(settings, service, schedule=schedule), host=host, port=port,
                log_level="warning")


def mcp_server(
    transport: Annotated[Literal["stdio", "streamable-http"], typer.Option(
        "--transport", help="stdio (the client starts this command) or streamable-http "
        "(serve http://HOST:PORT/mcp).")] = "stdio",
    host: Annotated[str, typer.Option("--host", help="Interface for streamable-http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port for streamable-http.")] = 8001,
    home: HomeOption = None,
) -> None:
    """Serve the index to MCP clients and agents: search, list, outline and read documents.

    Tools: search_documents(question, doc_ids?, budget?), list_documents(),
    get_document_outline(doc_id), read_section(doc_id, section or pages, budget?). With
    streamable-http and DOCTHRIFT_API_KEY set, clients send 'Authorization: Bearer <key>'.
    The embedded index is held by one process: stop 'docthrift serve' on the same home first,
    or use a Qdrant server (QDRANT_URL).
    """
    settings = settings_for(home)
    from docthrift.client import Docthrift
    from docthrift.mcp_server import build_server, serve_http

    server = build_server(Docthrift(settings=settings))  # opens the index: a clear error here
    if transport == "stdio":
        server.run("stdio")
    else:
        import signal

        signal.signal(signal.SIGTERM, _exit_on_sigterm)  # as in serve: close the index on exit
        serve_http(server, settings, host=host, port=port)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def schedule(
    cron: Annotated[str | None, typer.Option(
        "--cron", help="Cron schedule of the ingestion, UTC (default '0 2 * * *').")] = None,
    interval: Annotated[float | None, typer.Option(
        "--interval", help="Ingest every SECONDS instead.", metavar="SECONDS")] = None,
    source: SourceOption = None,
    home: HomeOption = None,
) -> None:
    """Serve the ingestion (scheduled) and evaluation (on demand) deployments from this process.

    A Prefect runner: it needs a Prefect server (PREFECT_API_URL) and starts each run in a
    subprocess, so it suits a Qdrant server (QDRANT_URL). With the local index, schedule in
    the API process instead: docthrift serve --schedule-cron.
    """
    settings = settings_for(home, source=source)
    options = _check_schedule(settings, cron, interval)
    from flows.deployments import serve_deployments

    if not settings.qdrant_url:
        err.print("[yellow]note:[/yellow] local index: runs go one at a time and fail while "
                  "another process (docthrift serve) holds it", highlight=False)
    serve_deployments(settings, options)


def worker(
    pool: Annotated[str, typer.Option("--pool", help="Process work pool to poll.")],
    cron: Annotated[str | None, typer.Option(
        "--cron", help="Cron schedule of the ingestion, UTC (default '0 2 * * *').")] = None,
    interval: Annotated[float | None, typer.Option(
        "--interval", help="Ingest every SECONDS instead.", metavar="SECONDS")] = None,
    source: SourceOption = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", help="Most flow runs this worker runs at once.")] = None,
    home: HomeOption = None,
) -> None:
    """Register both deployments with a process work pool, then work on that pool's runs.

    For scale-out: start one on each machine, all against one Prefect server
    (PREFECT_API_URL) and one Qdrant server (QDRANT_URL); the pool is created when missing.
    """
    settings = settings_for(home, source=source)
    options = _check_schedule(settings, cron, interval)
    if not settings.qdrant_url:
        raise DocthriftError("workers run flows in subprocesses, which cannot share the local "
                             "index: set QDRANT_URL to a Qdrant server (or schedule in the API "
                             "process: docthrift serve --schedule-cron)")
    from flows.deployments import deploy_to_pool, start_worker

    deploy_to_pool(settings, pool, options)
    err.print(f"Deployments registered with work pool {pool!r}; starting the worker")
    start_worker(pool, limit=limit)


def register(app: typer.Typer) -> None:
    """Add the long-running commands to the ``docthrift`` app."""
    app.command(epilog="Examples:\n\n  DOCTHRIFT_API_KEY=secret docthrift serve --port 8000\n\n"
                "  # OpenAI clients: base_url http://127.0.0.1:8000/v1, api_key secret, model docthrift\n\n"
                "  docthrift serve --source filings/ --schedule-cron '0 2 * * *'\n\n"
                "  docthrift serve --source filings/ --schedule-interval 300")(serve)
    app.command(epilog="Examples:\n\n  prefect server start   # in another terminal\n\n"
                "  export PREFECT_API_URL=http://127.0.0.1:4200/api QDRANT_URL=http://qdrant:6333\n\n"
                "  docthrift schedule --source filings/ --cron '0 2 * * *'\n\n"
                "  docthrift schedule --source filings/ --interval 600")(schedule)
    app.command(epilog="Examples:\n\n  prefect work-pool create docthrift --type process\n\n"
                "  docthrift worker --pool docthrift --source /shared/filings --cron '0 2 * * *'")(worker)
    app.command(name="mcp", epilog="Examples:\n\n  docthrift mcp --home data   # stdio: an MCP client starts it\n\n"
                "  claude mcp add docthrift -- docthrift mcp --home /abs/path/data\n\n"
                "  DOCTHRIFT_API_KEY=secret docthrift mcp --transport streamable-http --port 8001")(mcp_server)
