"""`streamkit doctor`: the event-night preflight checklist (`checklist`), and a rehearsal stream.

Joins the OBS side and AWS, as commands/ does; reads the composed Config. Never imports tui,
commands or cli.
"""
