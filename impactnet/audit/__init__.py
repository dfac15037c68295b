"""The audit trail: every state change, who made it and when."""
