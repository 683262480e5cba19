"""Care bookings: PAs' availability, users' support plans, visits and the rota (to come)."""
