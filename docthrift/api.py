"""The HTTP API: a thin layer over answering, the document index and ingestion.

The server builds one QueryService (so one Qdrant client) for its life: local mode lets one
process hold a storage folder. Ingestion started through the API runs in this process, on
the same client, over the configured source folder only; no request names a path. With a
schedule, the API process also runs the ingestion deployment's scheduled flow runs
(``flows/scheduler.py``); one ingestion runs at a time, whoever started it.

Every request passes :class:`~docthrift.api_guard.RequestGuard` first (the key, then the body
size), and every error, the framework's own included, answers ``{"error": "..."}``, except on
the OpenAI-compatible routes (:mod:`docthrift.openai_api`), which answer in OpenAI's shape.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from answering.answering import QueryService, answer_question
from core.errors import (
    AnswerError,
    ConfigError,
    DatasetError,
    DocthriftError,
    DocumentNotFoundError,
    ExtractionError,
    IndexingError,
    RetrievalError,
)
from core.models import Answer
from core.settings import Settings
from core.validation import MAX_BUDGET, MIN_BUDGET, check_question
from docthrift.api_guard import RequestGuard
from docthrift.api_runs import IngestRun, IngestRuns
from docthrift.openai_api import error_body, openai_router

if TYPE_CHECKING:
    from flows.scheduler import IngestSchedule

log = logging.getLogger(__name__)

# A configuration the server lacks (no source folder) is the server's state, not the
# request's fault: 503, with the reason.
_STATUS = {DocumentNotFoundError: 404, RetrievalError: 400, ExtractionError: 400,
           DatasetError: 400, ConfigError: 503, AnswerError: 502, IndexingError: 503}
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})


class QueryRequest(BaseModel):
    """Body of ``POST /v1/query``."""

    question: str = Field(min_length=1, description="The question, in plain language.")
    doc_id: str | None = Field(None, description="Answer from this document only.")
    doc_ids: list[str] | None = Field(
        None, description="Answer from these documents (instead of doc_id); the budget is "
        "split across them unless the question narrows to one.")
    budget: int | None = Field(None, ge=MIN_BUDGET, le=MAX_BUDGET, description="Context budget.")
    retrieve_only: bool = Field(False, description="Return the context only.")


def create_app(settings: Settings, service: QueryService | None = None, *,
               schedule: IngestSchedule | None = None) -> FastAPI:
    """The FastAPI app; the service is built at start-up unless one is given.

    Args:
        settings: The server's settings.
        service: A ready query service (tests); built from ``settings`` when None.
        schedule: Also ingest ``settings.source_dir`` on this schedule, in this process.
    """
    state: dict[str, Any] = {}
    run_lock = threading.Lock()  # one ingestion at a time, scheduled ones included
    runs = IngestRuns(settings, run_lock)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from answering.service import make_service

        state["service"] = service or make_service(settings)
        scheduler = None
        if schedule is not None:
            from flows.scheduler import ScheduledIngestion

            scheduler = ScheduledIngestion(settings, schedule, run_lock)
            await asyncio.to_thread(scheduler.start)  # Prefect's sync client, off the loop
        try:
            yield
        finally:
            if scheduler is not None:
                await asyncio.to_thread(scheduler.stop)

    app = FastAPI(title="docthrift", version="0.1.0", lifespan=lifespan,
                  description="Answers from only the relevant sections of your PDFs.")
    open_paths = frozenset({"/healthz"}) | (DOCS_PATHS if settings.public_docs else frozenset())
    app.add_middleware(
        RequestGuard, api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        open_paths=open_paths, max_bytes=settings.max_request_bytes, error_body=error_body)
    # The guard checks the key; this only shows the scheme in the OpenAPI docs.
    bearer = [Depends(HTTPBearer(auto_error=False))] if settings.api_key is not None else []
    _add_error_handlers(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # OpenAI-compatible routes: the same guard, errors in OpenAI's shape.
    app.include_router(openai_router(settings, lambda: state["service"], bearer))

    @app.post("/v1/query", dependencies=bearer)
    def query(body: QueryRequest) -> Answer:
        check_question(body.question, body.budget, settings)
        return answer_question(state["service"], body.question, doc_id=body.doc_id,
                               doc_ids=body.doc_ids, budget=body.budget,
                               retrieve_only=body.retrieve_only)

    @app.get("/v1/documents", dependencies=bearer)
    def documents() -> dict[str, Any]:
        return {"documents": [runs.client_record(r) for r in state["service"].records()]}

    @app.get("/v1/documents/{doc_id}", dependencies=bearer)
    def document(doc_id: str) -> dict[str, Any]:
        svc: QueryService = state["service"]
        record = svc.index.get_document(doc_id)
        if record is None:
            raise DocumentNotFoundError(doc_id, hint="")
        return runs.client_record(record)

    @app.post("/v1/ingest", dependencies=bearer, status_code=202)
    def ingest() -> IngestRun:
        return runs.start()

    @app.get("/v1/ingest/{run_id}", dependencies=bearer)
    def ingest_status(run_id: str) -> IngestRun:
        run = runs.read(run_id)
        if run is None:
            raise HTTPException(404, f"{run_id}: no such ingestion run")
        return run

    return app


def _add_error_handlers(app: FastAPI) -> None:
    """One error shape, ``{"error": "..."}``, for docthrift's errors and the framework's
    (OpenAI's on its routes, see :func:`docthrift.openai_api.error_body`)."""

    @app.exception_handler(DocthriftError)
    async def docthrift_error(request: Request, exc: DocthriftError) -> JSONResponse:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
        return _error(request, status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error = exc.detail
        if exc.status_code == 404 and error == "Not Found":  # no route matched
            error = f"no such endpoint: {request.method} {request.url.path}"
        elif exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "")
            error = f"{request.method} is not allowed on {request.url.path}; use {allowed}"
        return _error(request, exc.status_code, str(error), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        reasons = "; ".join(dict.fromkeys(_reason(e) for e in exc.errors()))
        return _error(request, 422, f"invalid request: {reasons}")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return _error(request, 500, "internal server error; the server's log has the details")


def _error(request: Request, status: int, message: str,
           headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(request.url.path, status, message), status_code=status,
                        headers=headers)


def _reason(error: dict[str, Any]) -> str:
    """One validation error in words: which field, what is wrong."""
    loc = [str(p) for p in error.get("loc", ()) if p != "body"]
    if error.get("type") == "json_invalid":
        return "the body is not valid JSON"
    if not loc or error.get("type") in ("model_attributes_type", "dict_type"):
        return ("the body must be a JSON object such as "
                '{"question": "...", "doc_id": null, "budget": null, "retrieve_only": false}')
    message = str(error.get("msg", "invalid"))
    return f"{'.'.join(loc)}: {message[:1].lower()}{message[1:]}"
