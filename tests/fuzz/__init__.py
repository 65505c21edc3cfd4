"""Helpers of tests/test_openapi_fuzz.py: seeding and steering generated requests."""
