"""Credit: applications and loans, their steps, repayments, the simulator and the portfolio."""
