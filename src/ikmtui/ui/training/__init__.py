"""Training: batches, one batch with its participants and attendance, the course catalogue."""
