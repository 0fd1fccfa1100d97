"""An obs-websocket v5 server that behaves like the current OBS: protocol, state, one module per
request family, scenarios and fault injection.

May import: the base modules and `streamkit.collection.model`. Never tui, aws, commands, cli or
config.
"""
