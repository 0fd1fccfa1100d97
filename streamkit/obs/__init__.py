"""Everything that talks to OBS over obs-websocket v5 (no Textual, no boto3 here)."""

from streamkit.logs import protect_driver_loggers

# obsws-python logs its connection parameters, password included, at INFO: filter that
# wherever streamkit's OBS layer is imported, before any client exists.
protect_driver_loggers()
