"""Bounces and complaints: DSN, ARF and provider-webhook parsing, classification, bounce policy."""
