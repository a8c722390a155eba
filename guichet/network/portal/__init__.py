"""Provider back-office pages of the network inventory (search, premises, PM, imports)."""
