"""Care read models: rotas, upcoming visits, the day board (to come)."""
