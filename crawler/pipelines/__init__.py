"""Item pipelines, each with one job: clean, keep only mentions, link near-copies, store."""
