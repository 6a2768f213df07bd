"""Insights' storage: the leaders who get the monthly report, the report's claims, and the queries
that read every feature's tables for the figures (storage.insights.queries)."""
