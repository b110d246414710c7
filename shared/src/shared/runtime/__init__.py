"""The runtime every process shares: settings, the event processor, the worker loop, health checks, logs."""
