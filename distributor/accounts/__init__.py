"""Who operates distributor: users and their passwords, API keys, roles and what each may do."""
