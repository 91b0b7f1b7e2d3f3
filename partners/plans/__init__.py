"""Joint business plans: goals and milestones a partner and its CAM plan the year with."""
