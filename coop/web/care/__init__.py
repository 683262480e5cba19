"""Care pages: booking visits, the rota, the day board (to come)."""
