"""Audience chat: a Twitch IRC client, its messages and the questions queue the operator picks from.

May import: the base modules and streamkit.obs.types (the shared connection-state model). Never
show, health, tui, aws, commands, cli or config.
"""
