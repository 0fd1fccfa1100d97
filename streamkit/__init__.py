"""streamkit: run a meetup live stream from a cloud desktop."""

__version__ = "0.1.0"
