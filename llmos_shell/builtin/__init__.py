"""Built-in plugins shipped with the core, registered through the same entry points as any plugin."""
