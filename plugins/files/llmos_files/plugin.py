"""llmos plugin ``files``: list, find, search, read and write files inside the workspace.

Registered through the entry-point group ``llmos`` (``files = "llmos_files.plugin"``).
Every path goes through the workspace boundary (default root: the current directory);
results that carry file names or contents have provenance ``file`` (untrusted).
"""

from __future__ import annotations

from typing import Any

from llmos_shell import hookimpl
from llmos_shell.tools import ToolResult

from .config import parse_config
from .service import Files

_files = Files()


def list(path: str = ".") -> ToolResult:
    """List the files and folders in a directory, with kind, size and modification time.

    Args:
        path: directory to list, relative to the workspace root (default: the root itself)
    """
    return _files.list(path)


def find(pattern: str, directory: str = ".") -> ToolResult:
    """Find files by name or glob, searching folders recursively (e.g. "*.pdf", "PDFs", "report").

    Args:
        pattern: a glob like "*.md", a kind of file like "pdf" or "images", or part of a file name
        directory: folder to search in, relative to the workspace root
    """
    return _files.find(pattern, directory)


def search(text: str, directory: str = ".") -> ToolResult:
    """Search for text inside files (case-insensitive), showing each matching line with its file and line number.

    Args:
        text: the words to look for, matched literally
        directory: folder (or a single file) to search in, relative to the workspace root
    """
    return _files.search(text, directory)


def read(path: str, start_line: int = 1) -> ToolResult:
    """Read a text file and show its contents (large files are shown one window at a time).

    Args:
        path: the file to read, relative to the workspace root
        start_line: first line to show; use the value a truncated result suggests to read on
    """
    return _files.read(path, start_line)


def write(path: str, content: str) -> ToolResult:
    """Create a file or replace its contents; when replacing, shows a unified diff of the change.

    Args:
        path: the file to write, relative to the workspace root
        content: the complete new text of the file
    """
    return _files.write(path, content)


@hookimpl
def llmos_configure(config: dict[str, Any]) -> None:
    global _files
    _files = Files(parse_config(config))


@hookimpl
def register_tools(register: Any) -> None:
    register(
        list,
        examples=[
            "list files",
            "ls {path}",
            "what's in this folder",
            "show me the contents of {path}",
            "what files are in {path}",
            "list the directory {path}",
            "show the folder {path}",
            "which files do I have here",
            "dir",
            "what is inside the {path} directory",
            "list what is in {path}",
            "list everything under {path}",
            "what's inside {path}",
            "give me the file listing of {path}",
            "show all files in folder {path}",
            "show me the files in {path}",
            "what files are there in {path}",
            "enumerate the files in {path}",
            "browse {path}",
            "show me everything in {path}",
            "tell me which files are in {path}",
            "list the current directory",
            "files in {path}",
            "show directory {path}",
            "what's in the {path} folder",
            "directory contents of {path}",
            "can you list the folder {path}",
            "list the subfolders of {path}",
            "look into the folder {path}",
            "peek into {path}",
            "what's sitting in the directory {path}",
            "list what the folder {path} holds",
        ],
        effects=["read"],
        path_args=["path"],
    )
    register(
        find,
        examples=[
            "find {pattern} files",
            "find all {pattern}",
            "where are my {pattern}",
            "find {pattern} files under {directory}",
            "locate {pattern}",
            "search for files named {pattern}",
            "are there any {pattern} in {directory}",
            "which files match {pattern}",
            "look for {pattern} in {directory}",
            "list every {pattern} file recursively",
            "where is the file {pattern}",
            "find {pattern} in {directory}",
            "find every {pattern} file",
            "locate {pattern} in {directory}",
            "which folder has {pattern}",
            "find files whose name contains {pattern}",
            "get all {pattern} files under {directory}",
            "find files called {pattern}",
            "search for the file {pattern}",
            "where can I find {pattern}",
            "locate the file named {pattern} under {directory}",
            "is there a file called {pattern}",
            "show me every {pattern} file in {directory}",
            "where did I put {pattern}",
            "look up files matching {pattern}",
            "which directory contains {pattern}",
            "track down {pattern}",
            "find all files ending in {pattern}",
            "list all {pattern} files in {directory} and its subfolders",
            "can you find the file {pattern} for me",
            "hunt for {pattern} under {directory}",
            "find every {pattern} file on {directory}",
        ],
        effects=["read"],
        path_args=["directory"],
    )
    register(
        search,
        examples=[
            "search for {text}",
            "grep {text}",
            "which files mention {text}",
            "find the text {text} in {directory}",
            "grep for {text} in {directory}",
            "where do I use {text}",
            "search inside files for {text}",
            "which file contains {text}",
            "look for lines containing {text}",
            "find occurrences of {text} in the code",
            "which files contain the text {text}",
            "grep the code for {text}",
            "show every line with {text}",
            "find where {text} appears",
            "find where {text} shows up",
            "show me where {text} comes up in {directory}",
            "search the contents of my files for {text}",
            "lines that mention {text} in {directory}",
            "search the files for {text}",
            "look inside the files for {text}",
            "find lines mentioning {text} in {directory}",
            "which files reference {text}",
            "where is {text} used",
            "where is {text} mentioned in the code",
            "search {directory} for {text}",
            "show lines that contain {text}",
            "in which file is {text} defined",
            "find the string {text} in my files",
            "search the project for {text}",
            "look for the word {text} in {directory}",
            "find every file that says {text}",
            "scan the source for {text}",
            "find where I wrote about {text}",
            "which of my notes talk about {text}",
            "search {directory} for mentions of {text}",
            "look through {directory} for {text}",
            "look for the text {text} in {directory}",
            "which files in {directory} have the string {text}",
            "look in {directory} for anything with {text} in it",
            "find the file that has {text} in it",
        ],
        effects=["read"],
        path_args=["directory"],
    )
    register(
        read,
        examples=[
            "read {path}",
            "show me what's in {path}",
            "open {path}",
            "cat {path}",
            "print the contents of {path}",
            "what does {path} say",
            "show me the text written in {path}",
            "what does {path} actually say?",
            "display {path}",
            "summarize {path}",
            "show {path} from line {start_line}",
            "let me see the file {path}",
            "show me the file {path}",
            "view {path}",
            "show the text of {path}",
            "what's in the file {path}",
            "open the file {path} and show it",
            "show {path}",
            "output the contents of {path}",
            "type out {path}",
            "dump {path}",
            "let me read {path}",
            "can I see {path}",
            "show the contents of the file {path}",
            "read the file {path} to me",
            "give me the text of {path}",
            "pull up {path}",
            "bring up the file {path}",
            "I want to look at {path}",
            "{path}: open it up",
            "what's inside the file {path}",
        ],
        effects=["read"],
        path_args=["path"],
    )
    register(
        write,
        examples=[
            "write {content} to {path}",
            "save {content} in {path}",
            "create a file {path} containing {content}",
            "create {path} with {content}",
            "put {content} into {path}",
            "overwrite {path} with {content}",
            "replace the contents of {path} with {content}",
            "make a new file called {path}",
            "save this as {path}",
            "write a note to {path} saying {content}",
            "write {content} into the file {path}",
            "write {content} into {path}",
            "save the text {content} to {path}",
            "create {path} and write {content} in it",
            "store {content} in the file {path}",
            "put the text {content} in {path}",
            "make {path} say {content}",
            "write the line {content} to {path}",
            "jot down {content} in {path}",
            "write {content} in {path}",
            "create a file called {path} with the text {content}",
            "add a file {path} that says {content}",
            "fill {path} with {content}",
            "save the result to {path}: {content}",
            "set the contents of {path} to {content}",
            "update {path} to say {content}",
            "make a file named {path} and put {content} in it",
            "write this to {path}: {content}",
            "put this into {path}: {content}",
            "make {path} with this: {content}",
            "record {content} in the file {path}",
        ],
        effects=["write"],
        path_args=["path"],
    )
