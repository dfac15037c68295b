"""Inspiration sessions (the Inspiratiesessie, step 3): St MBO plans them, partners waiting for the
step sign up (or join the waiting list), and the attendance staff mark records the step."""
