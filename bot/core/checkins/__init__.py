"""Scheduled check-in questionnaires: cadences, schedules, member preferences, planning, sessions."""
