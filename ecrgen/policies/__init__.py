"""Repository, creation template and registry policies from Jinja2 templates, rendered into the model.

`render.render_all` is the entry point; `templates` holds the Jinja2 environment and its checks,
`context` what a template sees. No CDKTF import.
"""
