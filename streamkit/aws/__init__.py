"""Everything that talks to AWS (no Textual here)."""
