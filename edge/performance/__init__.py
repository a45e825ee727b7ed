"""Office performance (law article 9): how many intakes, what fees, service
levels met or missed and the citizens' satisfaction, per day, per service and
per operator over a range of days; for the supervisors' reports page, its CSV
and the daily performance event sent to the centre."""
