"""The web front: pages (Jinja2 + htmx) and the JSON API, on Litestar."""
