"""Each role's home page and each cohort's overview: they read the modules listed before them
in the registry and are read by none."""
