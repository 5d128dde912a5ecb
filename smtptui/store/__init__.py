"""What smtptui keeps on disk: profiles and the history of past runs."""
