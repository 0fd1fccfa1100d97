"""The show-control terminal UI."""
