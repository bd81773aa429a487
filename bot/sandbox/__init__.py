"""The offline sandbox: a simulated server in a terminal, driving the same core services as the cogs."""
