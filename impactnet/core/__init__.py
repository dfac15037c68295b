"""What belongs to no single area: home page, health check, errors, CLI wiring."""
