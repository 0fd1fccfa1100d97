"""The Graphics WorkSpace: provision, status, start/stop with the interlock, hold, cost.

May import: streamkit.aws and the base modules. Never the OBS side, tui, commands, cli or config.
"""
