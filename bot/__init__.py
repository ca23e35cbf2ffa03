"""Routeboek-bot: the routeboeken verzuim en thuiszitters in a chat."""

__version__ = "0.1.0"
