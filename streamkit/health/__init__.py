"""Stream health: metrics, alerts, fallback rules (all pure), the live monitor, session log and
report.

May import: streamkit.obs, streamkit.show and the base modules. Never tui, aws, commands, cli or
config. `metrics`, `alerts` and `fallback` import no I/O library.
"""
