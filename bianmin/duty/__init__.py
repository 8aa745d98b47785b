"""Duty: rosters from rules on the official calendar, changes with approval, who is on duty today, the petition reception room."""
