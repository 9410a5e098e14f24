"""The offline demo: sample sites, loopback mail and robot sinks, and one full cycle."""
