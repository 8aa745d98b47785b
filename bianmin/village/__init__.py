"""Village affairs: publicity (村务公开) through every channel from one record, 四议两公开 decisions with computed
quorum, village rules and charters, and projects and funds with conflict-of-interest checks."""
