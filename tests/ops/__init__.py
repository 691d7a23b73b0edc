"""Operating Portique: packaging, configuration checks, start-up report, worker heartbeat, logs."""
