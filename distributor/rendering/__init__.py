"""Release to email: Jinja2 over templates/email/, CSS inlined once, cheap per-recipient fill-in."""
