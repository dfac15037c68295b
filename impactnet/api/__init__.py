"""The JSON API (/api/v1) for municipalities, and the personal API tokens it accepts."""
