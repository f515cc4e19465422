"""Gallery: the showroom's and marketplaces' listings, sales, returns and payouts."""
