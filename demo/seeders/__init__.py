"""One seeder module per app; demo.seed runs them in order (STEPS, ACTIVITY_STEPS)."""
