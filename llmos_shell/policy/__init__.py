"""The policy layer: every action passes here before it runs."""
