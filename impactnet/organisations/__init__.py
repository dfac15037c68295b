"""Partner organisations (companies and public bodies)."""
