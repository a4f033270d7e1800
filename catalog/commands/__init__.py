"""One module per ``gdc`` command; shared options live in ``common``."""
