"""Growth snapshots and projections toward the municipalities' targets."""
