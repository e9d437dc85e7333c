"""Terminal rendering: the only code that imports rich and prompt_toolkit."""
