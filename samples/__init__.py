"""Generators of the demo's sample PDFs: annual reports, quarterly filings and earnings releases
with tables, figures and known evidence pages, made with PyMuPDF (no download needed)."""
