"""The retrieval tools over a :class:`~llmos_retrieval.library.Library` (wired to hooks in ``plugin``)."""

from __future__ import annotations

from typing import Any

from llmos_shell.errors import ToolError
from llmos_shell.policy.boundary import Workspace, current_workspace
from llmos_shell.tools import ToolResult

from . import context
from .answer import Answer, answer_question
from .config import RetrievalConfig
from .library import IngestReport, Library, Progress

__all__ = ["Retrieval", "store_errors"]


def store_errors() -> tuple[type[BaseException], ...]:
    try:
        from llmos_memory import StoreError
    except ImportError:  # pragma: no cover - llmos-memory is a dependency
        return ()
    return (StoreError,)


class Retrieval:
    """``ingest`` and ``ask`` with the configured store and kernel (see :mod:`.context`)."""

    def __init__(self, config: RetrievalConfig | None = None) -> None:
        self.config = config or RetrievalConfig()
        self.library = Library(lambda: context.get_store(self.config), self.config)

    def ingest(
        self, path: str, *, workspace: Workspace | None = None, progress: Progress | None = None
    ) -> IngestReport:
        try:
            return self.library.ingest(path, workspace=workspace or current_workspace(), progress=progress)
        except store_errors() as exc:
            raise ToolError(f"the memory store refused the documents: {exc}") from None

    def ingest_result(self, path: str) -> ToolResult:
        report = self.ingest(path)
        rows = [r.as_dict() for r in report.rows]
        lines = [report.summary()]
        for r in report.rows:
            if r.status in ("skipped", "failed"):
                lines.append(f"  {r.status}: {r.file}: {r.reason}")
        if report.count("indexed") + report.count("updated") + report.count("unchanged") == 0:
            lines.append("  nothing was added: supported types are text, Markdown, HTML, PDF and source code")
        return ToolResult(content="\n".join(lines), provenance="tool", source=report.path, data={**report.as_dict(),
                          "files": rows})  # fmt: skip

    def ask(self, question: str) -> Answer:
        if not question.strip():
            raise ToolError("give the question to answer from the documents")
        try:
            total = self.library.store.count(self.config.namespace)
            passages = self.library.search(question) if total else []
        except store_errors() as exc:
            raise ToolError(f"the memory store cannot be searched: {exc}") from None
        kernel = None
        if passages and passages[0].score >= self.config.min_score:
            kernel = context.get_kernel()
        return answer_question(question, passages, kernel, self.config, total_chunks=total)

    def ask_result(self, question: str) -> ToolResult:
        return self.ask(question).result()

    def describe(self) -> dict[str, Any]:
        return {"store": str(context.default_store_path(self.config)), "namespace": self.config.namespace}
