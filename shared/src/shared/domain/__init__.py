"""The run's domain: models, the event catalogue, the run and its transitions, the ports. No AWS in here."""
