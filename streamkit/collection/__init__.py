"""Scene collections and profiles as code: model, OBS JSON and YAML formats, lint, plan, import,
install, export.

May import: streamkit.obs (the connection) and the base modules. Never tui, aws, commands, cli
or config. The planner (`plan`, `diff`) is pure: it imports no I/O library.
"""
