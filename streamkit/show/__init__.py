"""Live show actions: scenes, studio mode, transitions, NDI, audio, outputs, text, run of show.

May import: streamkit.obs (the connection) and the base modules. Never tui, aws, commands, cli
or config.
"""
