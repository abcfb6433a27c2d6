"""Local-standard (DB21) projects: the pipeline from application to implementation and review."""
