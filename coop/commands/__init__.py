"""The co-op's commands, grouped by context; ``coop.application.Coop`` combines them."""
