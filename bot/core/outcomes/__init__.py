"""Outcomes: reliable change, a member's own trends, group summaries, the research export and report."""
