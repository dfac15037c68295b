"""The public face: directory, open data, label verification and the badge."""
