"""Page views, one module per area: home, organisations, accounts."""
