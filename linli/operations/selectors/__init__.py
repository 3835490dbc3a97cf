"""Every read of community operations, scoped to the actor, one module per area (see services)."""
