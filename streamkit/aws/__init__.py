"""Everything that talks to AWS: boto3 sessions and errors, then `workspace` and `schedule`.

May import: the base modules. Never the OBS side (obs, collection, show, health, simulator),
tui, commands, cli or config.
"""
