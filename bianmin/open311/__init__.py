"""Open311: GeoReport v2 over the grievance workflow and the catalogue."""
