"""Service hall: windows, queue tickets, calling, on-the-spot ratings, patrols, violations, notices, rankings and assessments."""
