"""User accounts, signing in, and the roles that say who may do what."""
