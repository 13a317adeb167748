"""HTTP transport shared by every metadata service's client: politeness, limits, retries, capped bodies."""
