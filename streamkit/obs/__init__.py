"""The connection to OBS over obs-websocket v5: client, links, typed errors, reconnect, events,
RequestBatch. `requests` holds the I/O-free request and batch-result types.

May import: the base modules. Never collection, show, health, tui, aws, commands, cli or config.
"""

from streamkit.logs import protect_driver_loggers

# obsws-python logs its connection parameters, password included, at INFO: filter that
# wherever streamkit's OBS layer is imported, before any client exists.
protect_driver_loggers()
