"""User accounts, roles, sign-in and the tokens mailed to users."""
