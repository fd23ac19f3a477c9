"""Background jobs: one queue interface, an in-process runner and a Redis-backed one (arq)."""
