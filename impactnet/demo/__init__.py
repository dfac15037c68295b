"""Demo data for trying impactnet out: ``flask --app wsgi seed-demo``."""
