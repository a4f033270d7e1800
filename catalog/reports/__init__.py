"""Renderers: findings and results to text, JSON, Markdown, HTML, JUnit, CI annotations."""
