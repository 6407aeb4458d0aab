"""Sending: message building (headers, VERP, List-Unsubscribe, DKIM), transports, throttling, send-outs."""
