"""Device daemons, one package each; importable as hallkit.daemons."""
