"""Files in and out: the YAML data files, CSV, imports, exports and interchange formats,
backups and synthetic data. May import every layer below the CLI."""
