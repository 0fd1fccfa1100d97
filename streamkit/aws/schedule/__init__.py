"""The event schedule: calendar and start/stop decisions (pure), the local runner with its
APScheduler driver, and the EventBridge deployment.

May import: streamkit.aws and the base modules. Never the OBS side, tui, commands, cli or config.
"""
