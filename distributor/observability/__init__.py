"""What operators watch: log records (text or JSON lines, secrets masked) and Prometheus metrics."""
