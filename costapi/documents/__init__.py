"""Good Faith Estimate documents: HTML and PDF from one template, and a FHIR GFE Bundle."""

from .fhir import fhir_bundle
from .gfe import render_html, render_pdf
from .model import Clinic, GoodFaithEstimate

__all__ = ["Clinic", "GoodFaithEstimate", "fhir_bundle", "render_html", "render_pdf"]
