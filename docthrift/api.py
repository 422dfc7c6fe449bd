"""The HTTP API: a thin layer over answering, the document index and ingestion.

The server builds one QueryService (so one Qdrant client) for its life: local mode lets one
process hold a storage folder. Ingestion started through the API runs in this process, on
the same client, over the configured source folder only; no request names a path. With a
schedule, the API process also runs the ingestion deployment's scheduled flow runs
(``docthrift/scheduler.py``); one ingestion runs at a time, whoever started it.
"""

from __future__ import annotations

import asyncio
import hmac
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from docthrift.answering import QueryService, answer_question
from docthrift.errors import (
    AnswerError,
    ConfigError,
    DatasetError,
    DocthriftError,
    ExtractionError,
    IndexingError,
    RetrievalError,
)
from docthrift.models import Answer
from docthrift.openai_api import openai_router
from docthrift.settings import Settings
from docthrift.validation import MAX_BUDGET, MIN_BUDGET, check_question

if TYPE_CHECKING:
    from docthrift.scheduler import IngestSchedule

_STATUS = {RetrievalError: 400, ExtractionError: 400, DatasetError: 400, ConfigError: 500,
           AnswerError: 502, IndexingError: 503}


class QueryRequest(BaseModel):
    """Body of ``POST /v1/query``."""

    question: str = Field(min_length=1, description="The question, in plain language.")
    doc_id: str | None = Field(None, description="Answer from this document only.")
    budget: int | None = Field(None, ge=MIN_BUDGET, le=MAX_BUDGET, description="Context budget.")
    retrieve_only: bool = Field(False, description="Return the context only.")


class IngestRun(BaseModel):
    """An ingestion run started through the API."""

    run_id: str
    status: str
    summary: dict[str, Any] | None = None
    error: str | None = None


class _Ingestions:
    """At most one API-started ingestion at a time; a second request joins the running one."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.run_lock = threading.Lock()  # one ingestion at a time, scheduled ones included
        self.runs: dict[str, IngestRun] = {}
        self.current: str | None = None

    def start(self, settings: Settings) -> IngestRun:
        if settings.source_dir is None or not settings.source_dir.is_dir():
            raise ConfigError("no source folder is configured; set DOCTHRIFT_SOURCE_DIR to a "
                              "folder of PDFs")
        with self.lock:
            if self.current and self.runs[self.current].status == "running":
                return self.runs[self.current]
            run = IngestRun(run_id=str(uuid.uuid4()), status="running")
            self.runs[run.run_id] = run
            self.current = run.run_id
        threading.Thread(target=self._run, args=(run.run_id, settings), daemon=True).start()
        return run

    def _run(self, run_id: str, settings: Settings) -> None:
        from flows.ingest import ingest_documents

        try:
            with self.run_lock:
                summary = ingest_documents.with_options(flow_run_name=f"api-{run_id}")(
                    [str(settings.source_dir)], overrides=settings.overrides())
            status = "failed" if summary.failed else "completed"
            self.runs[run_id] = IngestRun(run_id=run_id, status=status, summary=summary.to_json())
        except Exception as exc:  # reported through GET /v1/ingest/{run_id}
            self.runs[run_id] = IngestRun(run_id=run_id, status="crashed", error=str(exc))


def create_app(settings: Settings, service: QueryService | None = None, *,
               schedule: IngestSchedule | None = None) -> FastAPI:
    """The FastAPI app; the service is built at start-up unless one is given.

    Args:
        settings: The server's settings.
        service: A ready query service (tests); built from ``settings`` when None.
        schedule: Also ingest ``settings.source_dir`` on this schedule, in this process.
    """
    state: dict[str, Any] = {}
    ingestions = _Ingestions()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from docthrift.service import make_service

        state["service"] = service or make_service(settings)
        scheduler = None
        if schedule is not None:
            from docthrift.scheduler import ScheduledIngestion

            scheduler = ScheduledIngestion(settings, schedule, ingestions.run_lock)
            await asyncio.to_thread(scheduler.start)  # Prefect's sync client, off the loop
        try:
            yield
        finally:
            if scheduler is not None:
                await asyncio.to_thread(scheduler.stop)

    app = FastAPI(title="docthrift", version="0.1.0", lifespan=lifespan,
                  description="Answers from only the relevant sections of your PDFs.")
    bearer = HTTPBearer(auto_error=False)

    def authorised(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if settings.api_key is None:
            return
        expected = settings.api_key.get_secret_value()
        if credentials is None or not hmac.compare_digest(credentials.credentials, expected):
            raise HTTPException(401, "missing or wrong API key: send 'Authorization: Bearer <key>'",
                                headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(DocthriftError)
    async def docthrift_error(_: Request, exc: DocthriftError) -> JSONResponse:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 500)
        if isinstance(exc, RetrievalError) and "no such document" in str(exc):
            status = 404
        return JSONResponse({"error": str(exc)}, status_code=status)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code,
                            headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"error": f"invalid request: {reasons}"}, status_code=422)

    # OpenAI-compatible routes: the same auth, errors in OpenAI's shape.
    app.include_router(openai_router(settings, lambda: state["service"], authorised))

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/query", dependencies=[Depends(authorised)])
    def query(body: QueryRequest) -> Answer:
        check_question(body.question, body.budget, settings)
        return answer_question(state["service"], body.question, doc_id=body.doc_id,
                               budget=body.budget, retrieve_only=body.retrieve_only)

    @app.get("/v1/documents", dependencies=[Depends(authorised)])
    def documents() -> dict[str, Any]:
        return {"documents": state["service"].records()}

    @app.get("/v1/documents/{doc_id}", dependencies=[Depends(authorised)])
    def document(doc_id: str) -> dict[str, Any]:
        from indexes.store import get_document

        svc: QueryService = state["service"]
        record = get_document(svc.client, svc.collection, doc_id)
        if record is None:
            raise HTTPException(404, f"{doc_id}: no such document in the index")
        return record

    @app.post("/v1/ingest", dependencies=[Depends(authorised)], status_code=202)
    def ingest() -> IngestRun:
        return ingestions.start(settings)

    @app.get("/v1/ingest/{run_id}", dependencies=[Depends(authorised)])
    def ingest_status(run_id: str) -> IngestRun:
        if run_id not in ingestions.runs:
            raise HTTPException(404, f"{run_id}: no such ingestion run")
        return ingestions.runs[run_id]

    return app
