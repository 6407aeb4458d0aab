"""The web app: journalists' pages (unsubscribe, preferences, web version), admin UI, REST API."""
