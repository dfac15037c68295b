"""Bringing the existing network in: organisations imported from St MBO's spreadsheet."""
