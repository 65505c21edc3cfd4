"""Good Faith Estimate documents: HTML and PDF from one template, and a FHIR GFE Bundle."""

from .gfe import Clinic, GoodFaithEstimate, fhir_bundle, render_html, render_pdf

__all__ = ["Clinic", "GoodFaithEstimate", "fhir_bundle", "render_html", "render_pdf"]
