"""llmos plugin ``retrieval``: ingest documents and answer questions from them with citations.

Registered through the entry-point group ``llmos`` (``retrieval = "llmos_retrieval.plugin"``).
The kernel and the store come through the seams in :mod:`llmos_retrieval.context`
(``set_kernel_provider`` / ``set_store_provider``).
"""

from __future__ import annotations

from typing import Any

from llmos_shell import hookimpl
from llmos_shell.tools import ToolResult

from .config import parse_config
from .context import set_kernel_provider, set_store_provider
from .service import Retrieval

__all__ = ["ask", "ingest", "service", "set_kernel_provider", "set_store_provider"]

_retrieval = Retrieval()


def service() -> Retrieval:
    """The configured service (the CLI uses it too)."""
    return _retrieval


def ingest(path: str) -> ToolResult:
    """Add a document or a folder of documents (text, Markdown, HTML, PDF, code) to the searchable library.

    Args:
        path: file or folder to add, relative to the workspace root; unchanged files are skipped
    """
    return _retrieval.ingest_result(path)


def ask(question: str) -> ToolResult:
    """Answer a question from the user's added documents, citing file:chunk for each claim.

    Args:
        question: the question to answer from the documents
    """
    return _retrieval.ask_result(question)


@hookimpl
def llmos_configure(config: dict[str, Any]) -> None:
    global _retrieval
    _retrieval = Retrieval(parse_config(config))


@hookimpl
def register_tools(register: Any) -> None:
    register(
        ingest,
        examples=[
            "index {path}",
            "ingest {path}",
            "add {path} to my documents",
            "learn the documents in {path}",
            "make {path} searchable",
            "import the PDFs in {path} into the library",
            "read and remember everything in {path}",
            "add this folder to the knowledge base: {path}",
            "update the index of {path}",
            "scan {path} so I can ask questions about it",
            "add {path} to the knowledge base",
            "put {path} in my library",
            "reindex {path}",
            "add the documents from {path} to the search index",
            "make the files in {path} available for questions",
            "add the folder {path} to my documents",
            "index the documents in {path} so I can ask about them",
            "load {path} into the knowledge base",
            "make {path} searchable for questions",
            "add {path} to the library",
            "ingest the files under {path}",
            "put the documents in {path} into the search index",
            "learn everything in {path} so you can answer questions",
            "add {path} to my docs",
            "include {path} in the document library",
            "import {path} into my documents",
            "feed {path} into the library",
            "build an index of {path}",
            "add the file {path} to the searchable library",
            "I want to ask questions about {path} later",
            "so I can ask about it later, index {path}",
        ],
        effects=["read", "write"],
        path_args=["path"],
        timeout=3600.0,
    )
    register(
        ask,
        examples=[
            "according to my documents, {question}",
            "ask my docs: {question}",
            "what do my notes say about {question}",
            "search my documents for {question}",
            "look it up in the docs: {question}",
            "based on the files I added, {question}",
            "find in my library {question}",
            "what does the handbook say about {question}",
            "check the documentation: {question}",
            "cite the source: {question}",
            "from my documents, {question}",
            "what do the documents I added say about {question}",
            "in my library, {question}",
            "answer from my docs: {question}",
            "ask {question}",
            "going by the knowledge base, {question}",
            "do my documents mention {question}",
            "check my library: {question}",
            "from the papers I added, {question}",
            "look up in my documents {question}",
            "what does the manual say: {question}",
            "per my files, {question}",
            "do the documents I ingested say {question}",
            "find the answer in my documents: {question}",
            "the library should know: {question}",
            "answer from the indexed documents: {question}",
            "what do the contracts I uploaded say about {question}",
            "in the files I indexed, {question}",
            "do my docs tell me {question}",
            "in the glossary I loaded, {question}",
            "which article in my library said {question}",
            "{question}? it's in the documents I gave you",
            "do my documents say anything about {question}?",
        ],
        effects=["read"],
        timeout=300.0,
    )
