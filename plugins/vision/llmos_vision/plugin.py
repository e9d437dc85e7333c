"""llmos plugin ``vision``: OCR and image questions.

Registered through the entry-point group ``llmos`` (``vision = "llmos_vision.plugin"``),
exactly like a third-party plugin. Importing this module is instant: Pillow,
pytesseract, onnxruntime and llama_cpp load on first use.
"""

from __future__ import annotations

from typing import Any

from llmos_shell import hookimpl
from llmos_shell.tools import ToolResult

from .config import parse_config
from .service import Vision

_vision = Vision()


def read_text(path: str) -> ToolResult:
    """Read the text in an image file with OCR (scans, screenshots, photos of documents).

    Args:
        path: image file (PNG, JPEG, GIF, BMP, TIFF, WEBP or PPM), relative to the working directory
    """
    return _vision.read_text(path)


def describe(path: str, question: str = "") -> ToolResult:
    """Describe an image or answer a question about it.

    Args:
        path: image file (PNG, JPEG, GIF, BMP, TIFF, WEBP or PPM), relative to the working directory
        question: what to ask about the image; empty means a general description
    """
    return _vision.describe(path, question)


@hookimpl
def llmos_configure(config: dict[str, Any]) -> None:
    global _vision
    _vision = Vision(parse_config(config))


@hookimpl
def register_tools(register: Any) -> None:
    register(
        read_text,
        examples=[
            "what does the text in scan.png say",
            "read the text from this screenshot",
            "OCR receipt.jpg",
            "extract the words from the photo of the page",
            "transcribe the writing in invoice.png",
            "copy the text out of image.tiff",
            "what is written on the sign in photo.jpg",
            "get the text of the scanned letter",
            "OCR {path}",
            "read the text in the image {path}",
            "extract text from {path}",
            "what text is in {path}",
            "get the words from the picture {path}",
            "turn the scan {path} into text",
            "read the words in {path}",
            "what does the screenshot {path} say",
            "OCR the scan {path}",
            "pull the text out of {path}",
            "transcribe the text in the image {path}",
            "copy the text from the photo {path}",
            "read the receipt {path}",
            "recognize the text in {path}",
            "get the printed text from the scanned page {path}",
            "what does the sign in {path} say",
            "what does the error message in {path} say",
            "what serial number is on the label in {path}",
            "read me the number printed on the label in {path}",
        ],
        effects=["read"],
        path_args=["path"],
        timeout=180.0,
    )
    register(
        describe,
        examples=[
            "describe photo.jpg",
            "what is in this picture",
            "what colours are in logo.png",
            "tell me about the image diagram.png",
            "how many people are in group.jpg",
            "what does this chart show",
            "look at screenshot.png and explain it",
            "is there a cat in cat.webp",
            "describe {path}",
            "what is in the image {path}",
            "what do you see in {path}",
            "what is shown in the photo {path}",
            "explain the picture {path}",
            "caption the image {path}",
            "describe the image {path}",
            "what does {path} show",
            "look at {path} and tell me what you see",
            "describe the photo {path}",
            "what is happening in {path}",
            "who is in the photo {path}",
            "what objects are in {path}",
            "describe the scene in {path}",
            "what kind of animal is in {path}",
            "give me a description of {path}",
            "tell me what the diagram {path} shows",
            "analyze the image {path}",
        ],
        effects=["read"],
        path_args=["path"],
        timeout=300.0,
    )
