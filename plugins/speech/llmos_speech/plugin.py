"""llmos plugin ``speech``: transcribe audio files and speak text.

Registered through the entry-point group ``llmos`` (``speech = "llmos_speech.plugin"``),
exactly like a third-party plugin. Importing this module is instant: faster_whisper,
ctranslate2, soundfile and piper load on first use.
"""

from __future__ import annotations

from typing import Any

from llmos_shell import hookimpl
from llmos_shell.tools import ToolResult

from .config import parse_config
from .service import SpeechService

_speech = SpeechService()


def transcribe(path: str) -> ToolResult:
    """Transcribe speech in an audio file (WAV, MP3, FLAC or OGG) to text with timestamps.

    Args:
        path: audio file, relative to the working directory
    """
    return _speech.transcribe_result(path)


def speak(text: str, path: str = "") -> ToolResult:
    """Say text out loud (text to speech) and save it as a WAV file.

    Args:
        text: what to say
        path: where to save the WAV file; empty means the llmos data directory (speech/)
    """
    return _speech.speak_result(text, path)


@hookimpl
def llmos_configure(config: dict[str, Any]) -> None:
    global _speech
    _speech = SpeechService(parse_config(config))


@hookimpl
def register_tools(register: Any) -> None:
    register(
        transcribe,
        examples=[
            "transcribe meeting.wav",
            "what is said in this recording",
            "turn the voice memo into text",
            "write down what they say in interview.mp3",
            "speech to text for lecture.flac",
            "give me the transcript of the podcast episode",
            "what did the caller say in voicemail.ogg",
            "make subtitles with timestamps for talk.wav",
            "transcribe {path}",
            "transcribe the audio {path}",
            "what is said in the recording {path}",
            "turn the audio file {path} into text",
            "write down the speech in {path}",
            "get a transcript of {path}",
            "what does the speaker say in {path}",
            "what did they say in {path}",
            "convert the audio {path} to text",
            "speech to text {path}",
            "give me the text of the voice memo {path}",
            "listen to {path} and write down what is said",
            "make a transcript of the meeting recording {path}",
            "caption the audio {path}",
            "what is being said in the clip {path}",
            "dictation in {path} to text",
            "type up the dictation in {path}",
        ],
        effects=["read"],
        path_args=["path"],
        timeout=3600.0,
    )
    register(
        speak,
        examples=[
            "read this text out loud",
            "say hello world",
            "speak the summary to me",
            "text to speech: the build has finished",
            "read the answer aloud",
            "make an audio file saying good morning",
            "save a wav of this sentence",
            "pronounce this word for me",
            "say {text}",
            "speak {text}",
            "text to speech: {text}",
            "announce {text}",
            "say the words {text}",
            "speak the sentence {text}",
            "say it out loud: {text}",
            "read out: {text}",
            "read the words {text} out loud",
            "read {text} aloud for me",
            "vocalize {text}",
            "use your voice to say {text}",
            "pronounce {text}",
            "narrate {text}",
            "make a voice recording that says {text}",
            "convert {text} to speech",
            "let me hear you say {text}",
        ],
        effects=["write"],
        path_args=["path"],
        timeout=300.0,
    )
