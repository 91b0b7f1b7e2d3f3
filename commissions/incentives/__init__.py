"""Incentives (issue 16, point 6): SPIF campaigns and their awards (`spifs`), tier bonuses at a
period's end (`bonuses`), rewards that are not money (`rewards`), and the handlers of the deals
app's outcome events that make and withdraw awards (`handlers`)."""
