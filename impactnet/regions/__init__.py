"""Municipalities of the network and their yearly targets."""
