"""Remittances (X12 835) beside estimates: pure figures, matching and the accuracy report
(domain.md section 7). No Flask, no SQLAlchemy, no I/O."""
