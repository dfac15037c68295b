"""Privacy rights (AVG/GDPR): a user's data export and the erasure of an organisation on request."""
