"""Portal views, one module per area; each module ends with its own ``urlpatterns``."""
