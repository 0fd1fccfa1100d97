"""The show-control terminal UI (Textual): one module per panel, reactives, messages.

May import: the OBS side (obs, show, health) and the base modules. Never aws, commands or cli.
"""
