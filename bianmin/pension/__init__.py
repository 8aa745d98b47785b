"""Pension certification: pensioners of each village, the certification cycle, records by every method, suspension and back-pay."""
