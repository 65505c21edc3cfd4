"""Real-time eligibility: the clearinghouse client (HTTP) and 271 benefit selection (pure)."""
